import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONTAINER, csv, drop, harness, realtime, row, sha256, type Harness } from '../support/feedHarness';

const FIXTURE = readFileSync(join(__dirname, '..', 'fixtures', 'feed', 'transactions-2026-11-25.csv'));
const fixtureDrop = () => ({
  bytes: FIXTURE,
  manifest: {
    businessDate: '2026-11-25',
    file: 'transactions-2026-11-25.csv',
    rowCount: 17,
    sha256: sha256(FIXTURE),
    version: 1,
  },
});

async function seeded(): Promise<Harness> {
  const h = harness(['M-1', 'M-2', 'M-3']);
  await h.ledger.mergeMany([
    realtime('T-1', 'M-1', 25_000),
    realtime('T-7', 'M-2', 9_900),
    realtime('T-99', 'M-3', 1_000, '2026-11-20'),
    realtime('T-98', 'M-3', 1_000, '2026-11-24'),
  ]);
  return h;
}

const batches = (h: Harness) => h.signals.sent.filter((s) => s.op === 'applyFeedBatch');
const holds = (h: Harness) => h.signals.sent.filter((s) => s.op === 'hold');

describe('feed pipeline: the hand-made file', () => {
  it('reports the figures worked out by hand', async () => {
    const h = await seeded();
    h.put(fixtureDrop());
    const result = await h.ingest(fixtureDrop());
    expect(result).toEqual({
      kind: 'COMPLETED',
      runId: expect.stringMatching(/^2026-11-25:v1:/),
      watermark: '2026-11-25',
    });

    const [run] = await h.runs.listRuns('2026-11-25');
    expect(run?.status).toBe('COMPLETED');
    const report = run?.report;
    expect(report).toMatchObject({
      rowsRead: 17,
      campaignRows: 14,
      applied: 5,
      duplicateRows: 1,
      ignored: { NON_CAMPAIGN_MEMBER: 3, NON_QUALIFYING_TYPE: 1, UNKNOWN_METHOD: 2 },
      matchedRealtime: 2,
      feedOnly: 3,
      amountMismatches: {
        count: 1,
        items: [{ transactionId: 'T-7', memberId: 'M-2', realtimeAudCents: 9_900, feedAudCents: 10_000 }],
      },
      missingFromFeed: {
        since: '2026-11-22',
        count: 1,
        items: [{ transactionId: 'T-99', memberId: 'M-3', realtimeSettledOn: '2026-11-20' }],
      },
    });
    // The missing settlement is flagged for ops with the alert code the alert rule matches.
    expect(h.log.lines).toContainEqual(
      expect.stringMatching(
        /^OPS_ALERT FEED_MISSING_SETTLEMENT run=2026-11-25:v1:\w+ count=1 since=2026-11-22$/,
      ),
    );
    expect(report?.rejected.count).toBe(5);
    expect(report?.rejected.lines.map((l) => [l.line, l.code])).toEqual([
      [9, 'TX.BAD_AUD_AMOUNT'],
      [14, 'ROW.BUSINESS_DATE'],
      [18, 'TX.SETTLED_AT_RULE'],
      [19, 'TX.BAD_AUD_AMOUNT'],
      [20, 'ROW.COLUMN_COUNT'],
    ]);
  });

  it('signals one batch and at most one hold per member, and quarantines bad rows with file, line and raw text', async () => {
    const h = await seeded();
    h.put(fixtureDrop());
    await h.ingest(fixtureDrop());

    expect(
      batches(h).map((s) => [
        s.memberId,
        s.op === 'applyFeedBatch' ? s.input.observations.map((o) => o.transactionId) : [],
      ]),
    ).toEqual([
      ['M-1', ['T-1', 'T-2']],
      ['M-2', ['T-7', 'T-9', 'T-13']],
    ]);
    expect(
      holds(h)
        .map((s) => s.memberId)
        .sort(),
    ).toEqual(['M-1', 'M-2']);
    const m1Hold = holds(h).find((s) => s.memberId === 'M-1');
    expect(m1Hold?.input).toMatchObject({
      businessDate: '2026-11-25',
      version: 1,
      ref: 'FEED:2026-11-25%3Av1%3Aline%3A14',
    });

    const { items } = await h.quarantine.list({ source: 'FEED', limit: 100 });
    expect(items.map((i) => i.line).sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual([9, 14, 18, 19, 20]);
    expect(items.find((i) => i.line === 19)).toMatchObject({
      reason: 'TX.BAD_AUD_AMOUNT',
      memberId: 'M-2',
      transactionId: 'T-15',
      raw: { file: 'transactions-2026-11-25.csv', line: 19, text: expect.stringContaining('"1,000.00"') },
    });
    const t7 = await h.ledger.get('M-2', 'T-7');
    expect(t7?.observations.map((o) => [o.source, o.audCents])).toEqual([
      ['FEED', 10_000],
      ['REALTIME', 9_900],
    ]);
  });

  it('gives the same report and effects whatever the chunk size and parallelism', async () => {
    const whole = await seeded();
    whole.put(fixtureDrop());
    await whole.ingest(fixtureDrop());
    const chunked = await seeded();
    chunked.put(fixtureDrop());
    await chunked.ingest(fixtureDrop(), { chunkRows: 3, parallelism: 3 });

    const [a] = await whole.runs.listRuns('2026-11-25');
    const [b] = await chunked.runs.listRuns('2026-11-25');
    expect(b?.plan?.chunks).toHaveLength(6);
    expect(b?.report).toEqual(a?.report);
    const ids = async (h: Harness) =>
      (await h.ledger.listByFeedDate('2026-11-25')).map((t) => t.transactionId).sort();
    expect(await ids(chunked)).toEqual(await ids(whole));
  });
});

describe('feed pipeline: verification before effect', () => {
  const good = () => drop(csv([row({ transaction_id: 'T-1' }), row({ transaction_id: 'T-2' })]));

  const expectNothingApplied = async (h: Harness) => {
    expect(h.signals.sent).toEqual([]);
    expect(await h.ledger.listByFeedDate('2026-11-25')).toEqual([]);
    expect((await h.quarantine.list({ limit: 10 })).items).toEqual([]);
    expect(h.runs.watermark).toBeNull();
  };

  it('quarantines a row with a stray quote inside an unquoted field and applies the rest of the file', async () => {
    // Given three rows, the second with a quote inside its (unquoted) transaction id
    const h = harness(['M-1']);
    const d = drop(
      csv([
        row({ transaction_id: 'T-1' }),
        row({ transaction_id: 'T-F21"B8' }),
        row({ transaction_id: 'T-3', aud_amount: '50.00', amount: '50.00' }),
      ]),
    );
    h.put(d);

    // When the file is ingested
    const result = await h.ingest(d);

    // Then the run completes: the bad row is quarantined with its line, the valid rows applied
    expect(result).toMatchObject({ kind: 'COMPLETED' });
    const [run] = await h.runs.listRuns('2026-11-25');
    expect(run).toMatchObject({ status: 'COMPLETED', report: { applied: 2, rejected: { count: 1 } } });
    expect(run?.report?.rejected.lines).toEqual([
      expect.objectContaining({ line: 3, detail: expect.stringContaining('quote inside unquoted field') }),
    ]);
    expect((await h.ledger.listByFeedDate('2026-11-25')).map((e) => e.transactionId).sort()).toEqual([
      'T-1',
      'T-3',
    ]);
  });

  it('resolves the quarantined rows of a date when a correction replaces it, keeping its own bad rows', async () => {
    // Given version 1 with one bad row, then version 2 fixing it but with another bad row
    const h = harness(['M-1']);
    const v1 = drop(csv([row(), row({ transaction_id: 'T-2', aud_amount: 'x' })]));
    h.put(v1);
    await h.ingest(v1);
    const v2 = drop(
      csv([row(), row({ transaction_id: 'T-2' }), row({ transaction_id: 'T-3', amount: 'y' })]),
      {
        version: 2,
      },
    );
    h.put(v2);

    // When the correction completes
    expect(await h.ingest(v2)).toMatchObject({ kind: 'COMPLETED' });

    // Then only version 2's bad row is unresolved; version 1's says when and by which run it was resolved
    const unresolved = (await h.quarantine.list({ limit: 10, resolution: 'UNRESOLVED' })).items;
    expect(unresolved.map((i) => i.transactionId)).toEqual(['T-3']);
    const all = (await h.quarantine.list({ limit: 10 })).items;
    expect(all.find((i) => i.transactionId === 'T-2')).toMatchObject({
      resolvedAt: expect.any(String),
      resolution: expect.stringMatching(/^replaced by correction 2026-11-25:v2:.* \(version 2\)$/),
    });
  });

  it('still rejects as TRUNCATED a quoted field left open at the end of the data', async () => {
    const h = harness(['M-1']);
    const d = drop(`${csv([row()])}T-2,"M-1,LOAD\n`, { rowCount: 2 });
    h.put(d);
    expect(await h.ingest(d)).toMatchObject({
      kind: 'REJECTED',
      detail: expect.stringContaining('TRUNCATED'),
    });
  });

  it.each([
    [
      'a checksum mismatch',
      (d: ReturnType<typeof good>) => ({ ...d, manifest: { ...d.manifest, sha256: sha256('other') } }),
      'CHECKSUM_MISMATCH',
    ],
    [
      'a truncated file',
      (d: ReturnType<typeof good>) => ({ ...d, bytes: d.bytes.subarray(0, d.bytes.length - 40) }),
      'TRUNCATED',
    ],
    [
      'a row count that differs',
      (d: ReturnType<typeof good>) => ({ ...d, manifest: { ...d.manifest, rowCount: 3 } }),
      'ROW_COUNT_MISMATCH',
    ],
  ])('rejects %s whole, applies nothing and alerts ops', async (_name, mutate, code) => {
    const h = harness(['M-1']);
    const original = good();
    const d = mutate(original);
    h.blobs.put(CONTAINER, d.manifest.file, d.bytes);
    const result = await h.ingest({ ...d, manifest: d.manifest });
    expect(result).toMatchObject({ kind: 'REJECTED', detail: expect.stringContaining(code) });
    const [run] = await h.runs.listRuns('2026-11-25');
    expect(run).toMatchObject({ status: 'REJECTED', reason: { code } });
    expect(h.log.lines.some((l) => l.startsWith(`FEED_REJECTED run=${run?.id}`) && l.includes(code))).toBe(
      true,
    );
    await expectNothingApplied(h);
  });

  it('rejects a header that is not exactly the contract', async () => {
    const h = harness(['M-1']);
    const d = drop(csv([row()]).replace('aud_amount', 'audAmount'));
    h.put(d);
    expect(await h.ingest(d)).toMatchObject({
      kind: 'REJECTED',
      detail: expect.stringContaining('HEADER_MISMATCH'),
    });
    await expectNothingApplied(h);
  });

  it('rejects a missing data file', async () => {
    const h = harness(['M-1']);
    const d = good();
    expect(await h.ingest(d)).toMatchObject({
      kind: 'REJECTED',
      detail: expect.stringContaining('DATA_FILE_MISSING'),
    });
    await expectNothingApplied(h);
  });

  it('accepts a BOM, CRLF and a gzip file', async () => {
    const h = harness(['M-1']);
    const d = drop(`\uFEFF${csv([row({ transaction_id: 'T-1' }), row({ transaction_id: 'T-2' })], '\r\n')}`, {
      gzip: true,
      rowCount: 2,
    });
    h.put(d);
    expect(await h.ingest(d)).toMatchObject({ kind: 'COMPLETED' });
    const [run] = await h.runs.listRuns('2026-11-25');
    expect(run?.report?.applied).toBe(2);
    expect(run?.plan?.data.container).toBe('feed-staging');
  });
});

describe('feed pipeline: re-drops and corrections never count twice', () => {
  it('treats the same file twice as a duplicate: nothing signalled again', async () => {
    const h = harness(['M-1']);
    const d = drop(csv([row({ transaction_id: 'T-1' }), row({ transaction_id: 'T-1' })]));
    h.put(d);
    await h.ingest(d);
    const signalsAfterFirst = h.signals.sent.length;
    expect(await h.ingest(d)).toMatchObject({ kind: 'DUPLICATE' });
    expect(h.signals.sent).toHaveLength(signalsAfterFirst);
    const [run] = await h.runs.listRuns('2026-11-25');
    expect(run).toMatchObject({
      status: 'COMPLETED',
      duplicateDrops: 1,
      report: { applied: 1, duplicateRows: 1 },
    });
    const record = await h.ledger.get('M-1', 'T-1');
    expect(record?.observations).toHaveLength(1);
  });

  it('rejects the same version with a different checksum', async () => {
    const h = harness(['M-1']);
    const first = drop(csv([row({ transaction_id: 'T-1' })]));
    h.put(first);
    await h.ingest(first);
    const other = drop(csv([row({ transaction_id: 'T-2' })]));
    h.put(other);
    expect(await h.ingest(other)).toMatchObject({
      kind: 'REJECTED',
      detail: expect.stringContaining('VERSION_CONFLICT'),
    });
    expect(await h.ledger.get('M-1', 'T-2')).toBeUndefined();
  });

  it('replaces a date with a corrected file (version 2) and ignores a late version 1', async () => {
    const h = harness(['M-1', 'M-2', 'M-4']);
    const v1 = drop(
      csv([
        row({ transaction_id: 'T-1', member_id: 'M-1' }),
        row({ transaction_id: 'T-2', member_id: 'M-1' }),
        row({ transaction_id: 'T-4', member_id: 'M-4' }),
        row({ transaction_id: 'T-5', member_id: 'M-2', aud_amount: 'oops' }),
      ]),
    );
    h.put(v1);
    await h.ingest(v1);
    const v2 = drop(
      csv([row({ transaction_id: 'T-1', member_id: 'M-1', amount: '90.00', aud_amount: '90.00' })]),
      { version: 2 },
    );
    h.put(v2);
    expect(await h.ingest(v2)).toMatchObject({ kind: 'COMPLETED' });

    const v2Batches = batches(h).filter((s) => s.input.version === 2);
    expect(
      v2Batches.map((s) => [s.memberId, s.op === 'applyFeedBatch' ? s.input.observations.length : -1]).sort(),
    ).toEqual([
      ['M-1', 1],
      ['M-2', 0],
      ['M-4', 0],
    ]);
    expect((await h.ledger.get('M-1', 'T-1'))?.observations.map((o) => [o.feedVersion, o.audCents])).toEqual([
      [2, 9_000],
    ]);
    expect((await h.ledger.get('M-1', 'T-2'))?.observations).toEqual([]);
    expect((await h.ledger.get('M-4', 'T-4'))?.feedDates).toEqual([]);
    const runs = await h.runs.listRuns('2026-11-25');
    expect(runs.find((r) => r.version === 2)?.report?.retractedMembers).toBe(2);

    const signalsBefore = h.signals.sent.length;
    h.put(v1);
    expect(await h.ingest(v1)).toMatchObject({ kind: 'DUPLICATE' });
    const v1Again = drop(csv([row({ transaction_id: 'T-7' })]), { version: 1 });
    h.put(v1Again);
    expect(await h.ingest(v1Again)).toMatchObject({ kind: 'SUPERSEDED' });
    expect(h.signals.sent).toHaveLength(signalsBefore);
  });
});

describe('feed pipeline: a data blob replaced under a run', () => {
  it('stops the run as REJECTED (DATA_CHANGED) at the first chunk that sees the change', async () => {
    const h = harness(['M-1']);
    const d = drop(csv([row({ transaction_id: 'T-1' }), row({ transaction_id: 'T-2' })]));
    h.put(d);
    const verify = h.activities.verify;
    h.activities.verify = async (input, log) => {
      const result = await verify(input, log);
      h.put(drop(csv([row({ transaction_id: 'T-3' })])));
      return result;
    };
    expect(await h.ingest(d)).toMatchObject({ kind: 'REJECTED' });
    const [run] = await h.runs.listRuns('2026-11-25');
    expect(run).toMatchObject({ status: 'REJECTED', reason: { code: 'DATA_CHANGED' } });
    expect(h.signals.sent).toEqual([]);
  });
});

describe('feed pipeline: a corrected file arriving mid-run', () => {
  it('stops the lower version at its next chunk as SUPERSEDED', async () => {
    const h = harness(['M-1']);
    const v1 = drop(
      csv([row({ transaction_id: 'T-1' }), row({ transaction_id: 'T-2' }), row({ transaction_id: 'T-3' })]),
    );
    h.put(v1);
    const v2Admitted = (index: number) => {
      // Version 2 is admitted (APPLYING) just before version 1's second chunk runs.
      if (index === 1)
        void h.runs.saveRun({
          ...h.runs.runs.values().next().value!,
          id: '2026-11-25:v2:000000000000',
          version: 2,
          status: 'APPLYING',
        });
      return false;
    };
    expect(await h.ingest(v1, { chunkRows: 1, parallelism: 1, failChunk: v2Admitted })).toMatchObject({
      kind: 'SUPERSEDED',
    });
    const v1Run = (await h.runs.listRuns('2026-11-25')).find((r) => r.version === 1);
    expect(v1Run).toMatchObject({ status: 'SUPERSEDED', reason: { code: 'SUPERSEDED' } });
    expect(batches(h)).toHaveLength(1);
  });
});

describe('feed pipeline: crash and resume', () => {
  const rows = Array.from({ length: 10 }, (_, i) =>
    row({ transaction_id: `T-${i}`, member_id: `M-${i % 3}` }),
  );

  it('resumes after a crash between chunks without applying a chunk twice', async () => {
    const h = harness(['M-0', 'M-1', 'M-2']);
    const d = drop(csv(rows));
    h.put(d);
    await expect(h.ingest(d, { chunkRows: 2, parallelism: 1, failChunk: (i) => i === 3 })).rejects.toThrow(
      'worker crashed',
    );
    expect(h.runs.chunks.size).toBe(3);
    const signalsBeforeResume = batches(h).length;

    expect(await h.ingest(d, { chunkRows: 2, parallelism: 1 })).toMatchObject({ kind: 'COMPLETED' });
    const applied = batches(h).flatMap((s) =>
      s.op === 'applyFeedBatch' ? s.input.observations.map((o) => o.transactionId) : [],
    );
    expect(applied.sort()).toEqual(rows.map((_, i) => `T-${i}`).sort());
    expect(batches(h).length - signalsBeforeResume).toBe(4);
    const [run] = await h.runs.listRuns('2026-11-25');
    expect(run?.report).toMatchObject({ rowsRead: 10, applied: 10 });
  });

  it('ignores checkpoints of another chunk size after a redeploy changed FEED_CHUNK_ROWS', async () => {
    const h = harness(['M-0', 'M-1', 'M-2']);
    const d = drop(csv(rows));
    h.put(d);
    await expect(h.ingest(d, { chunkRows: 2, parallelism: 1, failChunk: (i) => i === 3 })).rejects.toThrow(
      'worker crashed',
    );
    expect(await h.ingest(d, { chunkRows: 3, parallelism: 2 })).toMatchObject({ kind: 'COMPLETED' });
    const [run] = await h.runs.listRuns('2026-11-25');
    expect(run?.report).toMatchObject({ rowsRead: 10, applied: 10, duplicateRows: 0 });
  });

  it('re-runs a chunk that crashed after its effects but before its checkpoint harmlessly', async () => {
    const h = harness(['M-0', 'M-1', 'M-2']);
    const d = drop(csv(rows));
    h.put(d);
    const saveChunk = h.runs.saveChunk.bind(h.runs);
    let failures = 1;
    h.runs.saveChunk = async (c) => {
      if (c.index === 1 && failures-- > 0) throw new Error('lost the checkpoint write');
      return saveChunk(c);
    };
    await expect(h.ingest(d, { chunkRows: 4, parallelism: 1 })).rejects.toThrow('lost the checkpoint write');
    expect(await h.ingest(d, { chunkRows: 4, parallelism: 1 })).toMatchObject({ kind: 'COMPLETED' });
    const [run] = await h.runs.listRuns('2026-11-25');
    expect(run?.report).toMatchObject({ rowsRead: 10, applied: 10 });
    for (const t of await h.ledger.listByFeedDate('2026-11-25')) {
      expect((await h.ledger.get(t.memberId, t.transactionId))?.observations).toHaveLength(1);
    }
  });
});

describe('feed pipeline: settlement watermark', () => {
  const dayDrop = (date: string) =>
    drop(csv([row({ business_date: date, transaction_id: `T-${date}` })]), { date });

  it('is held back by a missing date and jumps forward when the gap fills', async () => {
    const h = harness(['M-1'], { feedStartDate: '2026-11-24' });
    for (const date of ['2026-11-24', '2026-11-26', '2026-11-27']) {
      const d = dayDrop(date);
      h.put(d);
      await h.ingest(d);
    }
    expect(await h.activities.getWatermark()).toEqual({ watermark: '2026-11-24' });
    const late = dayDrop('2026-11-25');
    h.put(late);
    expect(await h.ingest(late)).toMatchObject({ watermark: '2026-11-27' });
    expect(await h.activities.getWatermark()).toEqual({ watermark: '2026-11-27' });
  });

  it('is null until the start date completes, and a rejected run does not count', async () => {
    const h = harness(['M-1'], { feedStartDate: '2026-11-25' });
    const bad = dayDrop('2026-11-25');
    h.blobs.put(CONTAINER, bad.manifest.file, 'truncated');
    await h.ingest(bad);
    expect(await h.activities.getWatermark()).toEqual({ watermark: null });
  });
});
