import type { AwaitingFeed } from '../adapters/ports';
import { emptyTally, REPORT_LIST_LIMIT, type ChunkCheckpoint, type ReconciliationReport } from './runs';

/**
 * Sums a run's chunk checkpoints into its reconciliation report. Pure: the same checkpoints always give
 * the same report, so completing a run twice writes the same figures, and the figures do not depend on
 * how the file was chunked (a row repeated in another chunk is a duplicate, not a second application).
 * Lists are capped; counts are not.
 */
export function reconcile(
  chunks: readonly ChunkCheckpoint[],
  missing: { since: string; items: readonly AwaitingFeed[] },
  retractedMembers: number,
): ReconciliationReport {
  const total = emptyTally();
  const ordered = [...chunks].sort((a, b) => a.index - b.index);
  const applied = new Set<string>();
  const matched = new Set<string>();
  const mismatched = new Set<string>();
  let repeated = 0;
  const rejected: ReconciliationReport['rejected']['lines'] = [];
  const mismatches: ReconciliationReport['amountMismatches']['items'] = [];
  for (const c of ordered) {
    total.rowsRead += c.tally.rowsRead;
    total.campaignRows += c.tally.campaignRows;
    total.duplicateRows += c.tally.duplicateRows;
    total.rejected += c.tally.rejected;
    total.ignored.NON_CAMPAIGN_MEMBER += c.tally.ignored.NON_CAMPAIGN_MEMBER;
    total.ignored.NON_QUALIFYING_TYPE += c.tally.ignored.NON_QUALIFYING_TYPE;
    total.ignored.UNKNOWN_METHOD += c.tally.ignored.UNKNOWN_METHOD;
    for (const key of c.appliedKeys) {
      if (applied.has(key)) repeated += 1;
      else applied.add(key);
    }
    for (const key of c.matchedKeys) matched.add(key);
    for (const m of c.mismatches) {
      const key = `${m.transactionId}|${m.feedAudCents}`;
      if (mismatched.has(key)) continue;
      mismatched.add(key);
      if (mismatches.length < REPORT_LIST_LIMIT) mismatches.push(m);
    }
    rejected.push(...c.rejected.slice(0, REPORT_LIST_LIMIT - rejected.length));
  }
  return {
    rowsRead: total.rowsRead,
    campaignRows: total.campaignRows,
    applied: applied.size,
    duplicateRows: total.duplicateRows + repeated,
    ignored: total.ignored,
    rejected: { count: total.rejected, lines: rejected },
    matchedRealtime: matched.size,
    feedOnly: applied.size - matched.size,
    amountMismatches: { count: mismatched.size, items: mismatches },
    missingFromFeed: {
      since: missing.since,
      count: missing.items.length,
      items: missing.items.slice(0, REPORT_LIST_LIMIT).map((m) => ({ ...m })),
    },
    retractedMembers,
  };
}
