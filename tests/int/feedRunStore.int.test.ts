import type { Database } from '@azure/cosmos';
import { CONTAINERS } from '../../src/adapters/cosmos/containers';
import { cosmosFeedRunStore } from '../../src/adapters/cosmos/feedRunStore';
import { MemoryFeedRunStore } from '../support/memory/feed';
import type { FeedRunStore } from '../../src/feed/ports';
import { emptyTally, type ChunkCheckpoint, type FeedRun } from '../../src/feed/runs';
import { startTestCosmos, type TestCosmos } from '../support/cosmosServer';

let cosmos: TestCosmos;
let database: Database;

beforeAll(async () => {
  cosmos = await startTestCosmos();
}, 20_000);
afterAll(async () => {
  await cosmos.stop();
});
beforeEach(async () => {
  database = await cosmos.freshDatabase();
});

const run = (businessDate: string, version: number, status: FeedRun['status']): FeedRun => ({
  id: `${businessDate}:v${version}:abcdefabcdef`,
  businessDate,
  version,
  sha256: 'ab'.repeat(32),
  file: `transactions-${businessDate}.csv`,
  rowCount: 1,
  status,
  duplicateDrops: 0,
  createdAt: '2026-11-26T00:00:00.000Z',
  updatedAt: '2026-11-26T00:00:00.000Z',
});

const chunk = (r: FeedRun, index: number): ChunkCheckpoint => ({
  id: `${r.id}:chunk:${index}`,
  runId: r.id,
  businessDate: r.businessDate,
  version: r.version,
  index,
  offset: index * 100,
  end: index * 100 + 100,
  tally: emptyTally(),
  rejected: [{ line: 3, code: 'TX.BAD_AMOUNT', detail: 'x' }],
  appliedKeys: ['T-1|SETTLED'],
  matchedKeys: [],
  mismatches: [],
  members: ['M-1'],
  heldMembers: [],
  completedAt: '2026-11-26T00:00:00.000Z',
});

// The in-memory store used by the pipeline's unit tests must keep the Cosmos store's contract.
const stores: [string, () => FeedRunStore][] = [
  ['cosmos', () => cosmosFeedRunStore(database.container(CONTAINERS.feedRuns))],
  ['memory', () => new MemoryFeedRunStore()],
];

describe.each(stores)('FeedRunStore (%s)', (_name, make) => {
  it('upserts runs and lists them per date and newest first', async () => {
    const store = make();
    await store.saveRun(run('2026-11-24', 1, 'COMPLETED'));
    await store.saveRun(run('2026-11-25', 1, 'APPLYING'));
    await store.saveRun({ ...run('2026-11-25', 1, 'COMPLETED'), duplicateDrops: 1 });
    await store.saveRun(run('2026-11-25', 2, 'REJECTED'));
    expect(
      (await store.listRuns('2026-11-25')).map((r) => [r.version, r.status, r.duplicateDrops]).sort(),
    ).toEqual([
      [1, 'COMPLETED', 1],
      [2, 'REJECTED', 0],
    ]);
    expect((await store.listRunsNewestFirst(2)).map((r) => r.id)).toEqual([
      '2026-11-25:v2:abcdefabcdef',
      '2026-11-25:v1:abcdefabcdef',
    ]);
    const [, second] = await store.listRunsNewestFirst(2);
    expect((await store.listRunsNewestFirst(5, second)).map((r) => r.id)).toEqual([
      '2026-11-24:v1:abcdefabcdef',
    ]);
    expect(await store.getRun('2026-11-24', '2026-11-24:v1:abcdefabcdef')).toMatchObject({
      status: 'COMPLETED',
    });
    expect(await store.getRun('2026-11-24', 'nope')).toBeUndefined();
    expect(await store.listCompletedDates('2026-11-25')).toEqual(['2026-11-25']);
  });

  it('keeps chunk checkpoints per run', async () => {
    const store = make();
    const r = run('2026-11-25', 1, 'APPLYING');
    await store.saveRun(r);
    await store.saveChunk(chunk(r, 0));
    await store.saveChunk(chunk(r, 0));
    await store.saveChunk(chunk(r, 1));
    await store.saveChunk(chunk(run('2026-11-25', 2, 'APPLYING'), 0));
    expect((await store.listChunks('2026-11-25', r.id)).map((c) => c.index).sort()).toEqual([0, 1]);
    expect(await store.getChunk('2026-11-25', `${r.id}:chunk:1`)).toMatchObject({
      index: 1,
      offset: 100,
      end: 200,
    });
    expect(await store.getChunk('2026-11-25', `${r.id}:chunk:7`)).toBeUndefined();
  });

  it('only ever raises the watermark', async () => {
    const store = make();
    expect(await store.readWatermark()).toBeNull();
    expect(await store.raiseWatermark('2026-11-25')).toBe('2026-11-25');
    expect(await store.raiseWatermark('2026-11-24')).toBe('2026-11-25');
    const raced = await Promise.all([store.raiseWatermark('2026-11-27'), store.raiseWatermark('2026-11-26')]);
    expect(raced).toContain('2026-11-27');
    expect(await store.readWatermark()).toBe('2026-11-27');
  });
});
