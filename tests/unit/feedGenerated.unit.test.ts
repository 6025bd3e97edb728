import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cohortMember, DEFAULT_SHAPE, writeFeedFile } from '../../scripts/feed/generate';
import { csv, drop, harness, realtime, row } from '../support/feedHarness';

// A generated file knows its own answers (campaign rows, bad rows); the report must agree whatever the
// chunking, with duplicates, quoted rows and CRLF, and its figures must add up.
describe('feed pipeline on a generated file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'feed-gen-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    [250, 3],
    [1000, 1],
  ])('reports the generator’s figures with %i-row chunks, %i in parallel', async (chunkRows, parallelism) => {
    const shape = {
      ...DEFAULT_SHAPE,
      rows: 3000,
      campaignFraction: 0.3,
      badFraction: 0.1,
      duplicateFraction: 0.05,
      quotedFraction: 0.05,
      crlf: true,
      cohortSize: 200,
      seed: 9,
    };
    const generated = await writeFeedFile(join(dir, `feed-${chunkRows}.csv`), shape);
    const bytes = readFileSync(generated.path);
    const h = harness(Array.from({ length: shape.cohortSize }, (_, i) => cohortMember(i)));
    const d = {
      bytes,
      manifest: {
        businessDate: shape.businessDate,
        file: 'transactions-2026-11-25.csv',
        rowCount: generated.rows,
        sha256: generated.sha256,
        version: 1,
      },
    };
    h.put(d);
    expect(await h.ingest(d, { chunkRows, parallelism })).toMatchObject({ kind: 'COMPLETED' });

    const report = (await h.runs.listRuns(shape.businessDate))[0]?.report;
    if (!report) throw new Error('no report');
    expect(report.rowsRead).toBe(3000);
    expect(report.campaignRows).toBe(generated.campaignRows);
    expect(report.rejected.count).toBe(generated.badRows);
    expect(report.ignored.NON_CAMPAIGN_MEMBER + report.campaignRows).toBe(report.rowsRead);
    const { NON_QUALIFYING_TYPE, UNKNOWN_METHOD } = report.ignored;
    expect(
      report.applied + report.duplicateRows + NON_QUALIFYING_TYPE + UNKNOWN_METHOD + report.rejected.count,
    ).toBe(report.campaignRows);
    expect(report.duplicateRows).toBeGreaterThan(0);
    expect((await h.ledger.listByFeedDate(shape.businessDate)).length).toBe(report.applied);
  });

  it('quarantines a row whose member contradicts the ledger and holds that member', async () => {
    const h = harness(['M-1', 'M-2']);
    await h.ledger.mergeMany([realtime('T-1', 'M-2', 10_000)]);
    const d = drop(csv([row({ transaction_id: 'T-1', member_id: 'M-1' })]));
    h.put(d);
    await h.ingest(d);
    const report = (await h.runs.listRuns('2026-11-25'))[0]?.report;
    expect(report).toMatchObject({
      applied: 0,
      rejected: { count: 1, lines: [{ line: 2, code: 'LEDGER.MEMBER_MISMATCH' }] },
    });
    expect(h.signals.sent.map((s) => [s.op, s.memberId])).toEqual([['hold', 'M-1']]);
    expect((await h.quarantine.list({ limit: 5 })).items[0]).toMatchObject({
      reason: 'LEDGER.MEMBER_MISMATCH',
      line: 2,
      memberId: 'M-1',
    });
  });
});
