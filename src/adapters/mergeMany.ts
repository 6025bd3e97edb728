import type { Observation } from '../domain/observation';
import { groupBy, mapBounded } from './concurrency';
import type { MergeResult } from './ports';

/** Default parallelism of a feed chunk's merges: enough to hide latency, few enough to avoid 429 storms. */
export const MERGE_CONCURRENCY = 16;

/**
 * Merges a batch: transactions in parallel (bounded), one transaction's observations in order so they
 * never race for their own document. Results in input order.
 */
export async function mergeManyWith(
  merge: (obs: Observation) => Promise<MergeResult>,
  observations: readonly Observation[],
  concurrency = MERGE_CONCURRENCY,
): Promise<MergeResult[]> {
  const results = new Array<MergeResult>(observations.length);
  const groups = groupBy(observations, (o) => `${o.memberId}|${o.transactionId}`);
  await mapBounded(groups, concurrency, async ({ indexes }) => {
    for (const index of indexes) results[index] = await merge(observations[index] as Observation);
  });
  return results;
}
