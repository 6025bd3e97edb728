import { isInWindow } from './calendar';
import type { MemberLedger } from './ledger';
import { isPastEvaluation } from './memberState';
import { winner, type Observation } from './observation';

/** Why an observation does or does not move the member's totals (ops' member page, issue 14). */
export type TimelineVerdict =
  | 'COUNTED'
  | 'COUNTED_CONFIRMED'
  | 'PENDING'
  | 'NOT_SETTLED'
  | 'OUT_OF_WINDOW'
  | 'SUPERSEDED'
  | 'AFTER_CUT_OFF'
  | 'WITHDRAWAL_COUNTED'
  | 'WITHDRAWAL_PENDING'
  | 'WITHDRAWAL_SPENDING';

export interface TimelineEntry {
  observation: Observation;
  /** This observation supplies the transaction's merged status (SPEC §3 lattice). */
  won: boolean;
  inWindow: boolean;
  /** It moves a total (progress, confirmed, or a disqualifying withdrawal). */
  counted: boolean;
  verdict: TimelineVerdict;
  why: string;
}

/**
 * Every observation of the member, both streams, in the order they became known, each with whether it
 * won its transaction's merge, lies in the window, and counts, and why: the fold of `computeTotals`
 * (after `evaluationAt`, as of the last grace date) told one observation at a time.
 */
export function explainTimeline(ledger: MemberLedger, nowIso: string): TimelineEntry[] {
  const { window, config } = ledger.enrolment;
  const cutoff = isPastEvaluation(ledger, nowIso) ? window.lastGraceDate : undefined;
  const entries: TimelineEntry[] = [];
  for (const entry of Object.values(ledger.transactions)) {
    const considered = cutoff ? entry.observations.filter((o) => o.knownOn <= cutoff) : entry.observations;
    const merged = winner(considered);
    const confirmed = winner(considered.filter((o) => o.source === 'FEED'));
    const txInWindow = merged !== undefined && isInWindow(merged.initiatedAt, window);
    for (const obs of entry.observations) {
      const inWindow = isInWindow(obs.initiatedAt, window);
      const won = obs === merged;
      const confirms =
        entry.type === 'LOAD' &&
        txInWindow &&
        obs === confirmed &&
        obs.status === 'SETTLED' &&
        isInWindow(obs.initiatedAt, window);
      const verdict = ((): [TimelineVerdict, string] => {
        if (cutoff && obs.knownOn > cutoff)
          return [
            'AFTER_CUT_OFF',
            `known on ${obs.knownOn}, after the last grace date ${cutoff}: not considered`,
          ];
        if (!won && !confirms)
          return [
            'SUPERSEDED',
            `the merge kept ${merged?.source ?? '-'} ${merged?.status ?? '-'} for this transaction`,
          ];
        if (!txInWindow)
          return ['OUT_OF_WINDOW', `initiated ${merged?.initiatedAt ?? obs.initiatedAt}, outside the window`];
        if (confirms)
          return won
            ? [
                'COUNTED_CONFIRMED',
                'settled and confirmed by the feed: counts toward progress and the decision',
              ]
            : ['COUNTED_CONFIRMED', 'the feed confirms it settled: counts toward the decision'];
        if (entry.type === 'LOAD') {
          if (obs.status === 'SETTLED')
            return [
              'COUNTED',
              'settled in real time: counts toward progress; the decision waits for the feed',
            ];
          if (obs.status === 'PENDING') return ['PENDING', 'pending: shown to the member, not counted'];
          return ['NOT_SETTLED', `${obs.status.toLowerCase()}: never counts`];
        }
        if (!config.disqualifyingWithdrawalMethods.includes(obs.method as never))
          return ['WITHDRAWAL_SPENDING', `${obs.method} is spending, not a disqualifying withdrawal`];
        const effect =
          config.withdrawalPolicy === 'ANY_WITHDRAWAL'
            ? 'disqualifies (ANY_WITHDRAWAL)'
            : 'is subtracted from the total (NET_BALANCE)';
        if (obs.status === 'SETTLED') return ['WITHDRAWAL_COUNTED', `settled withdrawal: ${effect}`];
        if (obs.status === 'PENDING')
          return [
            'WITHDRAWAL_PENDING',
            `pending withdrawal: the member is at risk; if it settles it ${effect}`,
          ];
        return ['NOT_SETTLED', `${obs.status.toLowerCase()} withdrawal: no effect`];
      })();
      const counted = ['COUNTED', 'COUNTED_CONFIRMED', 'WITHDRAWAL_COUNTED'].includes(verdict[0]);
      entries.push({ observation: obs, won, inWindow, counted, verdict: verdict[0], why: verdict[1] });
    }
  }
  return entries.sort(
    (a, b) =>
      a.observation.knownOn.localeCompare(b.observation.knownOn) ||
      a.observation.initiatedAt.localeCompare(b.observation.initiatedAt) ||
      a.observation.transactionId.localeCompare(b.observation.transactionId),
  );
}
