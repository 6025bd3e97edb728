import { applyChunk } from './applyChunk';
import { completeRun, stopRun } from './completeRun';
import {
  FEED_CONTRACTS,
  type ChunkResult,
  type CompleteResult,
  type StopResult,
  type VerifyResult,
  type WatermarkResult,
} from './durable';
import type { FeedDeps, FeedLog } from './ports';
import { verifyRun } from './verifyRun';

/** The feed's activities as plain async functions of (input, log); `src/functions/feedFunctions.ts` registers them. */
export interface FeedActivities {
  verify(input: unknown, log: FeedLog): Promise<VerifyResult>;
  applyChunk(input: unknown, log: FeedLog): Promise<ChunkResult>;
  complete(input: unknown, log: FeedLog): Promise<CompleteResult>;
  stop(input: unknown, log: FeedLog): Promise<StopResult>;
  getWatermark(): Promise<WatermarkResult>;
}

/**
 * The cohort of the run being applied, loaded once per run per worker (not one read per row, not one
 * per chunk on a warm worker). Only the last run's Set is kept, so memory stays bounded.
 */
export class CohortCache {
  private current: { runId: string; members: Promise<ReadonlySet<string>> } | undefined;

  get(runId: string, load: () => Promise<ReadonlySet<string>>): Promise<ReadonlySet<string>> {
    if (this.current?.runId !== runId) {
      const members = load();
      this.current = { runId, members };
      members.catch(() => {
        if (this.current?.members === members) this.current = undefined;
      });
    }
    return this.current.members;
  }
}

/** Builds the activities over injected dependencies; pass one `cache` per process. */
export function createFeedActivities(
  deps: FeedDeps,
  campaignId: string,
  cache = new CohortCache(),
): FeedActivities {
  return {
    verify: (input, log) => verifyRun(deps, FEED_CONTRACTS.verify.input.parse(input), log),
    applyChunk: async (input, log) => {
      const job = FEED_CONTRACTS.applyChunk.input.parse(input);
      return applyChunk(deps, await cache.get(job.runId, () => loadCohort(deps, campaignId)), job, log);
    },
    complete: (input, log) => completeRun(deps, FEED_CONTRACTS.complete.input.parse(input), log),
    stop: (input, log) => stopRun(deps, FEED_CONTRACTS.stop.input.parse(input), log),
    getWatermark: async () => ({ watermark: await deps.runs.readWatermark() }),
  };
}

async function loadCohort(deps: FeedDeps, campaignId: string): Promise<ReadonlySet<string>> {
  const members = new Set<string>();
  for await (const page of deps.cohort.listIdsByCampaign(campaignId)) for (const id of page) members.add(id);
  return members;
}
