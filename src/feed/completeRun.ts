import { mapBounded } from '../adapters/concurrency';
import { covers } from './applyChunk';
import type { CompleteJob, CompleteResult, StopResult } from './durable';
import type { FeedDeps, FeedLog } from './ports';
import { reconcile } from './reconcile';
import type { FeedRun, FeedRunReason } from './runs';
import { alertRejected } from './verifyRun';
import { missingFromFeedCutoff, nextWatermark } from '../domain/feedRuns';

const EFFECT_CONCURRENCY = 16;

/**
 * Finishes a run whose chunks are all checkpointed: a corrected file retracts what lower versions said
 * (ledger + an empty batch to every member they touched that this version did not), then the
 * reconciliation report, COMPLETED, and the watermark. Idempotent: a second call recomputes the same.
 */
export async function completeRun(deps: FeedDeps, job: CompleteJob, log: FeedLog): Promise<CompleteResult> {
  const run = await requireRun(deps, job);
  const plan = run.plan?.chunks ?? [];
  const chunks = (await deps.runs.listChunks(job.businessDate, job.runId)).filter((c) =>
    plan.some((p) => covers(c, p)),
  );
  if (chunks.length !== job.chunkCount || plan.length !== job.chunkCount) {
    throw new Error(`run ${job.runId} has ${chunks.length} of ${job.chunkCount} chunks checkpointed`);
  }
  const signalled = new Set(chunks.flatMap((c) => c.members));
  const { retracted, touched } = await retractLowerVersions(deps, job, signalled);
  const since = missingFromFeedCutoff(job.businessDate);
  const missing = await deps.ledger.listAwaitingFeed(since);
  const report = reconcile(chunks, { since, items: missing }, retracted);
  await deps.runs.saveRun({ ...run, status: 'COMPLETED', report, updatedAt: deps.now() });
  await resolveReplacedRows(deps, job);

  const previousWatermark = await deps.runs.readWatermark();
  const candidate = nextWatermark(job.feedStartDate, await deps.runs.listCompletedDates(job.feedStartDate));
  const watermark = candidate === null ? previousWatermark : await deps.runs.raiseWatermark(candidate);
  // after the watermark is stored, so a woken campaign reads the new one
  const corrected = job.version > 1 ? [...new Set([...signalled, ...touched])] : [];
  const woken = await wakeQuietly(deps, { previousWatermark, watermark, corrected }, log);
  log.log(
    `FEED_COMPLETED run=${job.runId} rows=${report.rowsRead} campaign=${report.campaignRows} applied=${report.applied} ` +
      `rejected=${report.rejected.count} matched=${report.matchedRealtime} mismatches=${report.amountMismatches.count} ` +
      `missingFromFeed=${report.missingFromFeed.count} watermark=${watermark ?? 'none'} woken=${woken}`,
  );
  if (report.missingFromFeed.count > 0) {
    // SPEC §3: seen SETTLED in real time, absent from the feed after 3 business days: flagged for ops.
    log.warn(
      `OPS_ALERT FEED_MISSING_SETTLEMENT run=${job.runId} count=${report.missingFromFeed.count} since=${since}`,
    );
  }
  return { kind: 'COMPLETED', runId: job.runId, watermark };
}

async function requireRun(deps: FeedDeps, job: { businessDate: string; runId: string }): Promise<FeedRun> {
  const run = await deps.runs.getRun(job.businessDate, job.runId);
  if (!run) throw new Error(`feed run ${job.runId} not found`);
  return run;
}

/**
 * SPEC §3: a higher version replaces every row of its date, so the quarantined rows of lower versions
 * are resolved by it (with when and by which run); its own bad rows stay unresolved.
 */
async function resolveReplacedRows(deps: FeedDeps, job: CompleteJob): Promise<void> {
  const rows = await deps.quarantine.listUnresolvedFeedRows(job.businessDate);
  const at = deps.now();
  const replaced = rows.filter((r) => versionOfRow(r.id) < job.version);
  await mapBounded(replaced, EFFECT_CONCURRENCY, (r) =>
    deps.quarantine.resolve(r.id, `replaced by correction ${job.runId} (version ${job.version})`, at),
  );
}

/** The version in a FEED row's quarantine id (`FEED:` + encoded `{date}:v{n}:line:{l}`); 0 if none. */
function versionOfRow(id: string): number {
  const m = /:v(\d+):line:/.exec(decodeURIComponent(id));
  return m ? Number(m[1]) : 0;
}

async function wakeQuietly(
  deps: FeedDeps,
  change: Parameters<NonNullable<FeedDeps['wakes']>['afterRun']>[0],
  log: FeedLog,
): Promise<number> {
  try {
    return deps.wakes ? await deps.wakes.afterRun(change) : 0;
  } catch (error) {
    log.warn(`CAMPAIGN_WAKE_FAILED ${error instanceof Error ? error.message : String(error)}`);
    return 0;
  }
}

/** How many members were signalled with an empty batch, and every member the lower versions touched. */
async function retractLowerVersions(
  deps: FeedDeps,
  job: CompleteJob,
  signalled: ReadonlySet<string>,
): Promise<{ retracted: number; touched: ReadonlySet<string> }> {
  const lower = (await deps.runs.listRuns(job.businessDate)).filter((r) => r.version < job.version);
  if (lower.length === 0) return { retracted: 0, touched: new Set() };
  const touched = new Set<string>();
  for (const run of lower) {
    for (const c of await deps.runs.listChunks(job.businessDate, run.id))
      for (const m of [...c.members, ...c.heldMembers]) touched.add(m);
  }
  const transactions = await deps.ledger.listByFeedDate(job.businessDate);
  for (const t of transactions) touched.add(t.memberId);
  await mapBounded(transactions, EFFECT_CONCURRENCY, (t) =>
    deps.ledger.retractFeedDate(t.memberId, t.transactionId, job.businessDate, job.version),
  );
  const at = deps.now();
  const quiet = [...touched].filter((m) => !signalled.has(m)).sort();
  await mapBounded(quiet, EFFECT_CONCURRENCY, (memberId) =>
    deps.signals.applyFeedBatch(memberId, {
      businessDate: job.businessDate,
      version: job.version,
      observations: [],
      at,
    }),
  );
  return { retracted: quiet.length, touched };
}

/** Stops a run that a higher version overtook, or whose verified bytes changed under it. */
export async function stopRun(
  deps: FeedDeps,
  job: { runId: string; businessDate: string; reason: FeedRunReason },
  log: FeedLog,
): Promise<StopResult> {
  const run = await requireRun(deps, job);
  const status = job.reason.code === 'SUPERSEDED' ? 'SUPERSEDED' : 'REJECTED';
  await deps.runs.saveRun({ ...run, status, reason: job.reason, updatedAt: deps.now() });
  if (status === 'REJECTED') alertRejected(log, run, job.reason);
  else log.warn(`FEED_SUPERSEDED run=${run.id}: ${job.reason.detail}`);
  return { kind: status, runId: run.id };
}
