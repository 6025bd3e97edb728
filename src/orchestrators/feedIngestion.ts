import type { OrchestrationContext, OrchestrationHandler, RetryOptions, Task } from 'durable-functions';
import * as df from 'durable-functions';
import {
  FEED_CONTRACTS as FEED,
  FEED_ORCHESTRATION,
  type ChunkJob,
  type FeedOrchestrationInput,
  type FeedRunResult,
} from '../feed/durable';
import { callActivities, callActivity, orchestrator } from './durableCalls';
import { progressLine } from '../feed/progress';

/** Transient faults (storage, Cosmos) retry with backoff; file problems are returned values, never thrown. */
const RETRY: RetryOptions = Object.assign(new df.RetryOptions(5_000, 5), {
  backoffCoefficient: 2,
  maxRetryIntervalInMilliseconds: 120_000,
});

/**
 * One feed run: verify (nothing applied unless the file is exactly the manifest's), apply the chunks not
 * yet checkpointed, `parallelism` at a time, then complete (report + watermark). Deterministic: time
 * comes from the durable context and every decision from activity results. Its sequence of yields is a
 * contract with running instances: change it only under a new orchestrator name.
 */
function* run(
  context: OrchestrationContext,
  input: FeedOrchestrationInput,
): Generator<Task, FeedRunResult, unknown> {
  const { manifest } = input;
  const verified = yield* callActivity(context, FEED.verify, input, RETRY);
  if (verified.kind !== 'VERIFIED') return verified;

  const { runId, chunks, data } = verified;
  const pending = chunks.filter((c) => !verified.done.includes(c.index));
  // throughput in wall time, from what the chunk activities report (recorded in history, so replay-safe):
  // the orchestration's own clock is virtual on the local runtime, where a run takes no virtual time
  let wallMs = 0;
  let rowsDone = chunks.filter((c) => verified.done.includes(c.index)).reduce((n, c) => n + c.rows, 0);
  for (let i = 0; i < pending.length; i += input.parallelism) {
    const batch = pending.slice(i, i + input.parallelism).map((chunk): ChunkJob => ({
      runId,
      businessDate: manifest.businessDate,
      version: manifest.version,
      file: manifest.file,
      data,
      chunk,
      chunkCount: chunks.length,
      maxAmountCents: input.maxAmountCents,
    }));
    const results = yield* callActivities(context, FEED.applyChunk, batch, RETRY);
    const stop = results.find((r) => r.kind === 'SUPERSEDED' || r.kind === 'DATA_CHANGED');
    if (stop) {
      const reason =
        stop.kind === 'SUPERSEDED'
          ? { code: 'SUPERSEDED' as const, detail: `a higher version (${stop.by}) arrived while applying` }
          : {
              code: 'DATA_CHANGED' as const,
              detail: `the verified data blob changed before chunk ${stop.index} was read`,
            };
      const stopJob = { runId, businessDate: manifest.businessDate, reason };
      return yield* callActivity(context, FEED.stop, stopJob, RETRY);
    }
    wallMs += Math.max(0, ...results.map((r) => ('wallMs' in r ? (r.wallMs ?? 0) : 0)));
    rowsDone += results.reduce((n, r) => n + (r.kind === 'APPLIED' || r.kind === 'SKIPPED' ? r.rows : 0), 0);
    context.df.setCustomStatus({
      runId,
      rowsDone,
      rowsTotal: manifest.rowCount,
      chunksDone: Math.min(i + batch.length, pending.length),
    });
    if (!context.df.isReplaying) {
      context.log(progressLine(runId, rowsDone, manifest.rowCount, 0, wallMs));
    }
  }
  const completeJob = {
    runId,
    businessDate: manifest.businessDate,
    version: manifest.version,
    chunkCount: chunks.length,
    feedStartDate: input.feedStartDate,
  };
  return yield* callActivity(context, FEED.complete, completeJob, RETRY);
}

export const feedIngestion: OrchestrationHandler = orchestrator(FEED_ORCHESTRATION, run);
