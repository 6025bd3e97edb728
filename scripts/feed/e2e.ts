/**
 * `npm run bench:feed:e2e [rows]`: the whole pipeline on the local durable engine (real
 * durable-functions replay code, in-memory repositories and blob store, a counting `member` entity):
 * total seconds, and ledger writes + quarantine writes + checkpoint writes + entity operations per
 * campaign row. Cosmos latency is not included (in-memory stores); the counts are what Cosmos would see.
 * `npm run bench:feed:e2e -- --local [rows] [cohort]` runs the real local runtime instead (e2eLocal.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { installFunctionsCore } from '../../local/functionsCore';

installFunctionsCore();

async function main(): Promise<void> {
  if (process.argv[2] === '--local') {
    const { runLocalE2e } = await import('./e2eLocal');
    return runLocalE2e(Number(process.argv[3] ?? 100_000), Number(process.argv[4] ?? 1_000));
  }
  // Imported after the core module is installed: @azure/functions caches a failed lookup.
  const df = await import('durable-functions');
  const { durableHarness } = await import('../../local/durable/testing/harness');
  const { memoryLedgerRepository, memoryQuarantineRepository } = await import('../../tests/support/memory');
  const { MemoryFeedBlobStore, MemoryFeedRunStore } = await import('../../tests/support/memory/feed');
  const { feedInstanceId } = await import('../../src/feed/manifest');
  const { feedSettings } = await import('../../tests/support/feedHarness');
  const { onFeedBlob } = await import('../../src/feed/trigger');
  await import('../../src/functions/feedFunctions');
  const { setFeedComposition } = await import('../../src/app/services');
  const { durableStarter } = await import('../../src/functions/feedServices');
  const { cohortMember, ensureFeedFile } = await import('./generate');
  const { createHash } = await import('node:crypto');

  const rows = Number(process.argv[2] ?? 1_000_000);
  const { path, shape } = await ensureFeedFile(join(__dirname, '..', '..', 'bench-out'), rows);
  let entityOps = 0;
  df.app.entity<number>('member', (context) => {
    entityOps += 1;
    context.df.setState((context.df.getState(() => 0) ?? 0) + 1);
  });

  const bytes = readFileSync(path);
  const blobs = new MemoryFeedBlobStore(1 << 16);
  blobs.put('warehouse-drops', `transactions-${shape.businessDate}.csv`, bytes);
  const ledger = memoryLedgerRepository();
  let ledgerMerges = 0;
  let quarantined = 0;
  let checkpoints = 0;
  const quarantine = memoryQuarantineRepository();
  const runs = new MemoryFeedRunStore();
  const saveChunk = runs.saveChunk.bind(runs);
  runs.saveChunk = (c) => ((checkpoints += 1), saveChunk(c));
  const settings = feedSettings({ CAMPAIGN_FEED_START_DATE: shape.businessDate });
  setFeedComposition({
    settings,
    base: {
      runs,
      blobs,
      ledger: { ...ledger, mergeMany: (o) => ((ledgerMerges += o.length), ledger.mergeMany(o)) },
      quarantine: { ...quarantine, put: (item) => ((quarantined += 1), quarantine.put(item)) },
      cohort: {
        async *listIdsByCampaign() {
          yield Array.from({ length: shape.cohortSize }, (_, i) => cohortMember(i));
        },
      },
      now: () => new Date().toISOString(),
    },
  });
  const durable = await durableHarness({ startMs: Date.now() });
  const manifest = {
    businessDate: shape.businessDate,
    file: `transactions-${shape.businessDate}.csv`,
    rowCount: rows,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    version: 1,
  };
  const started = performance.now();
  const name = `transactions-${shape.businessDate}.manifest.json`;
  await onFeedBlob(name, JSON.stringify(manifest), settings, durableStarter(durable.client), console);
  await durable.engine.whenIdle();
  const seconds = (performance.now() - started) / 1000;
  const status = await durable.client.getStatus(feedInstanceId(manifest));
  const [run] = await runs.listRuns(shape.businessDate);
  const campaign = run?.report?.campaignRows ?? 0;
  console.log(
    JSON.stringify({
      status: status.runtimeStatus,
      output: status.output,
      report: { ...run?.report, rejected: run?.report?.rejected.count },
    }),
  );
  const per = (n: number) => (campaign === 0 ? 0 : n / campaign).toFixed(3);
  console.log(
    `feed-e2e rows=${rows} campaign_rows=${campaign} total_s=${seconds.toFixed(1)} ledger_merges_per_campaign_row=${per(ledgerMerges)} ` +
      `quarantine_writes_per_campaign_row=${per(quarantined)} checkpoint_writes=${checkpoints} entity_ops_per_campaign_row=${per(entityOps)} ` +
      `peak_rss_mb=${(process.resourceUsage().maxRSS / 1024).toFixed(0)}`,
  );
  await durable.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
