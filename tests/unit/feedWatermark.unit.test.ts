import { Readable } from 'node:stream';
import { progressLine, withProgress } from '../../src/feed/progress';
import { admit, missingFromFeedCutoff, nextWatermark } from '../../src/domain/feedRuns';
import type { FeedRun } from '../../src/feed/runs';

describe('settlement watermark', () => {
  it('is the last date of the unbroken run of completed dates from the start date', () => {
    expect(nextWatermark('2026-11-01', [])).toBeNull();
    expect(nextWatermark('2026-11-01', ['2026-11-02'])).toBeNull();
    expect(nextWatermark('2026-11-01', ['2026-11-01', '2026-11-02', '2026-11-04'])).toBe('2026-11-02');
    expect(
      nextWatermark('2026-11-01', ['2026-10-31', '2026-11-01', '2026-11-02', '2026-11-03', '2026-11-04']),
    ).toBe('2026-11-04');
  });

  it('crosses month ends and a DST change as plain calendar dates', () => {
    expect(nextWatermark('2027-04-02', ['2027-04-02', '2027-04-03', '2027-04-04', '2027-04-05'])).toBe(
      '2027-04-05',
    );
  });

  it('flags real-time settlements missing once three feed dates after them have run', () => {
    expect(missingFromFeedCutoff('2026-12-02')).toBe('2026-11-29');
  });
});

const run = (id: string, version: number, status: FeedRun['status']): FeedRun => ({
  id,
  businessDate: '2026-11-25',
  version,
  sha256: id.padEnd(64, '0'),
  file: 'transactions-2026-11-25.csv',
  rowCount: 1,
  status,
  duplicateDrops: 0,
  createdAt: '2026-11-26T00:00:00.000Z',
  updatedAt: '2026-11-26T00:00:00.000Z',
});

describe('admission of a manifest', () => {
  it('proceeds for a first file, and again for a re-drop of a rejected one', () => {
    expect(admit({ version: 1 }, 'a', [])).toEqual({ kind: 'PROCEED' });
    expect(admit({ version: 1 }, 'a', [run('a', 1, 'REJECTED')])).toMatchObject({
      kind: 'PROCEED',
      existing: { id: 'a' },
    });
  });

  it('answers DUPLICATE for the same completed file', () => {
    expect(admit({ version: 1 }, 'a', [run('a', 1, 'COMPLETED')])).toMatchObject({ kind: 'DUPLICATE' });
  });

  it('answers CONFLICT for another file of a version held', () => {
    expect(admit({ version: 1 }, 'b', [run('a', 1, 'COMPLETED')])).toMatchObject({
      kind: 'CONFLICT',
      with: { id: 'a' },
    });
    expect(admit({ version: 1 }, 'b', [run('a', 1, 'REJECTED')])).toEqual({ kind: 'PROCEED' });
  });

  it('answers SUPERSEDED below a version held or being applied, and proceeds above it', () => {
    expect(admit({ version: 1 }, 'b', [run('a', 2, 'APPLYING')])).toMatchObject({ kind: 'SUPERSEDED' });
    expect(admit({ version: 3 }, 'c', [run('a', 2, 'COMPLETED')])).toEqual({ kind: 'PROCEED' });
  });
});

describe('progress lines', () => {
  it('state done of total, rate and ETA', () => {
    expect(progressLine('r1', 250_000, 1_000_000, 0, 5_000)).toBe(
      'feed r1 progress: 250000/1000000 rows (25%), 50000 rows/s, ETA 15 s',
    );
  });

  it('report every so many bytes while passing the stream through unchanged', async () => {
    const seen: number[] = [];
    const out: Buffer[] = [];
    const source = Readable.from([Buffer.alloc(40), Buffer.alloc(40), Buffer.alloc(40)]);
    for await (const b of withProgress(source, 50, (done) => seen.push(done))) out.push(b);
    expect(seen).toEqual([80]);
    expect(Buffer.concat(out)).toHaveLength(120);
  });
});
