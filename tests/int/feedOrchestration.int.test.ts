import * as df from 'durable-functions';
import type { EntityContext } from 'durable-functions';
import { durableHarness, type Harness as Durable } from '../../local/durable/testing/harness';
import { memoryLedgerRepository, memoryQuarantineRepository } from '../support/memory';
import { feedInstanceId } from '../../src/feed/manifest';
import { MemoryFeedBlobStore, MemoryFeedRunStore } from '../support/memory/feed';
import { FEED_GET_WATERMARK_ACTIVITY, MEMBER_ENTITY } from '../../src/durableNames';
import { onFeedBlob } from '../../src/feed/trigger';
import '../../src/functions/feedFunctions';
import { setFeedComposition } from '../../src/app/services';
import { durableStarter } from '../../src/functions/feedServices';
import { CONTAINER, csv, drop, feedSettings, memoryLog, row } from '../support/feedHarness';

// The feed's real registrations run through the real durable-functions replay code (local engine);
// a recording `member` entity stands in for the lead's, so the signals' wire format is checked too.
type Received = {
  op: string;
  input: { businessDate: string; version: number; observations?: { transactionId: string }[] };
};
df.app.entity(MEMBER_ENTITY, (context: EntityContext<Received[]>) => {
  const seen = context.df.getState(() => []) ?? [];
  context.df.setState([
    ...seen,
    { op: context.df.operationName ?? '', input: context.df.getInput() as Received['input'] },
  ]);
});
df.app.orchestration('feedTest_watermark', function* (context) {
  return yield context.df.callActivity(FEED_GET_WATERMARK_ACTIVITY);
});

const settings = feedSettings({
  CAMPAIGN_FEED_START_DATE: '2026-11-25',
  FEED_CHUNK_ROWS: '2',
  FEED_PARALLELISM: '2',
});
let durable: Durable;
let runs: MemoryFeedRunStore;
let blobs: MemoryFeedBlobStore;

beforeEach(async () => {
  runs = new MemoryFeedRunStore();
  blobs = new MemoryFeedBlobStore();
  setFeedComposition({
    settings,
    base: {
      runs,
      blobs,
      ledger: memoryLedgerRepository(),
      quarantine: memoryQuarantineRepository(),
      cohort: {
        async *listIdsByCampaign() {
          yield ['M-1', 'M-2'];
        },
      },
      now: () => new Date(Date.UTC(2026, 10, 26, 2)).toISOString(),
    },
  });
  durable = await durableHarness({ startMs: Date.UTC(2026, 10, 26, 2) });
});
afterEach(async () => {
  await durable.close();
  setFeedComposition(undefined);
});

const file = drop(
  csv([
    row({ transaction_id: 'T-1', member_id: 'M-1' }),
    row({ transaction_id: 'T-2', member_id: 'M-2' }),
    row({ transaction_id: 'T-3', member_id: 'M-1' }),
    row({ transaction_id: 'T-4', member_id: 'C-9' }),
    row({ transaction_id: 'T-5', member_id: 'M-2', aud_amount: 'bad' }),
  ]),
);

async function entityLog(memberId: string): Promise<Received[]> {
  const state = await durable.client.readEntityState<Received[]>(new df.EntityId(MEMBER_ENTITY, memberId));
  return state.entityState ?? [];
}

describe('feedIngestion on the durable engine', () => {
  it('runs from the manifest to COMPLETED, signalling each member once per chunk', async () => {
    blobs.put(CONTAINER, file.manifest.file, file.bytes);
    const starter = durableStarter(durable.client);
    const name = 'transactions-2026-11-25.manifest.json';
    expect(
      await onFeedBlob(name, JSON.stringify(file.manifest), settings, starter, memoryLog()),
    ).toMatchObject({ kind: 'STARTED' });
    await durable.engine.whenIdle();

    const status = await durable.client.getStatus(feedInstanceId(file.manifest));
    expect(status.runtimeStatus).toBe('Completed');
    expect(status.output).toMatchObject({ kind: 'COMPLETED', watermark: '2026-11-25' });
    expect(status.customStatus).toMatchObject({ rowsDone: 5, rowsTotal: 5 });
    // Chunks of 2 rows: [T-1,T-2] [T-3,T-4] [T-5].
    expect(
      (await entityLog('M-1')).map((e) => [e.op, e.input.observations?.map((o) => o.transactionId)]),
    ).toEqual([
      ['applyFeedBatch', ['T-1']],
      ['applyFeedBatch', ['T-3']],
    ]);
    expect((await entityLog('M-2')).map((e) => e.op).sort()).toEqual(['applyFeedBatch', 'hold']);

    const again = await onFeedBlob(name, JSON.stringify(file.manifest), settings, starter, memoryLog());
    expect(again).toMatchObject({ kind: 'STARTED' });
    await durable.engine.whenIdle();
    expect((await durable.client.getStatus(feedInstanceId(file.manifest))).output).toMatchObject({
      kind: 'DUPLICATE',
    });
    expect(await entityLog('M-1')).toHaveLength(2);
  });

  it('serves the watermark to other orchestrations through the exported activity name', async () => {
    await runs.raiseWatermark('2026-11-30');
    const id = await durable.client.startNew('feedTest_watermark');
    await durable.engine.whenIdle();
    expect((await durable.client.getStatus(id)).output).toEqual({ watermark: '2026-11-30' });
  });

  it('records a rejected file without touching any member', async () => {
    blobs.put(CONTAINER, file.manifest.file, file.bytes.subarray(0, 100));
    await durableStarter(durable.client).start('feed:x', {
      manifest: file.manifest,
      container: CONTAINER,
      stagingContainer: 'feed-staging',
      chunkRows: 2,
      parallelism: 2,
      maxAmountCents: 100_000_000,
      feedStartDate: '2026-11-25',
    });
    await durable.engine.whenIdle();
    expect((await durable.client.getStatus('feed:x')).output).toMatchObject({
      kind: 'REJECTED',
      detail: expect.stringMatching(/^TRUNCATED/),
    });
    expect(await entityLog('M-1')).toEqual([]);
  });

  it('refuses to start a run whose input breaks the orchestrator contract, so no instance fails on replay', async () => {
    const start = durableStarter(durable.client).start('feed:bad', {
      manifest: file.manifest,
      container: CONTAINER,
      stagingContainer: 'feed-staging',
      chunkRows: 0,
      parallelism: 2,
      maxAmountCents: 100_000_000,
      feedStartDate: '2026-11-25',
    });
    await expect(start).rejects.toThrow(
      /^feedIngestion feed:bad: input refused by its contract: .*chunkRows/s,
    );
    await expect(durable.client.getStatus('feed:bad')).rejects.toThrow(/404/);
  });
});
