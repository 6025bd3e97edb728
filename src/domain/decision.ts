import type { LocalDate } from './calendar';
import type { DecisionOutcome, DecisionRecord, MemberLedger } from './ledger';
import type { AudCents } from './money';
import { blockingHolds, isPastEvaluation } from './memberState';
import { applyPolicy, computeTotals } from './totals';

export type NotYetReason = 'BEFORE_EVALUATION' | 'WATERMARK_BEHIND' | 'QUARANTINE_HOLD';

export type DecisionCheck =
  | { kind: 'NOT_YET'; reason: NotYetReason; detail: string }
  | { kind: 'DECIDED'; decision: DecisionRecord; alreadyRecorded: boolean };

/**
 * The final decision (SPEC §2, §5). Made only at or after `evaluationAt`, once the settlement watermark
 * has reached the last grace date and no quarantined row of the member dated on or before it is unresolved;
 * it uses only observations known on or before the last grace date. A recorded decision is returned as is:
 * it never changes.
 */
export function decide(ledger: MemberLedger, nowIso: string, watermark: LocalDate | null): DecisionCheck {
  if (ledger.decision) return { kind: 'DECIDED', decision: ledger.decision, alreadyRecorded: true };
  const { window, config } = ledger.enrolment;
  if (!isPastEvaluation(ledger, nowIso)) {
    return {
      kind: 'NOT_YET',
      reason: 'BEFORE_EVALUATION',
      detail: `evaluation is at ${window.evaluationAt}`,
    };
  }
  if (!watermarkCovers(window.lastGraceDate, watermark)) {
    return {
      kind: 'NOT_YET',
      reason: 'WATERMARK_BEHIND',
      detail: `settlement watermark ${watermark ?? 'none'} is behind the last grace date ${window.lastGraceDate}`,
    };
  }
  const holds = blockingHolds(ledger);
  if (holds.length > 0) {
    return {
      kind: 'NOT_YET',
      reason: 'QUARANTINE_HOLD',
      detail: heldRowsDetail(holds.map((h) => h.ref)),
    };
  }
  const totals = applyPolicy(ledger, computeTotals(ledger, window.lastGraceDate));
  const disqualified = config.withdrawalPolicy === 'ANY_WITHDRAWAL' && anyDisqualifyingWithdrawal(ledger);
  const outcome: DecisionOutcome = disqualified
    ? 'DISQUALIFIED'
    : totals.confirmedCents >= config.targetAudCents
      ? 'QUALIFIED'
      : 'NOT_REACHED';
  const decision: DecisionRecord = {
    outcome,
    decidedAt: nowIso,
    confirmedCents: totals.confirmedCents as AudCents,
    watermark,
  };
  return { kind: 'DECIDED', decision, alreadyRecorded: false };
}

/** SPEC §2: the decision waits until the settlement watermark reaches the last grace date. */
export function watermarkCovers(
  lastGraceDate: LocalDate,
  watermark: LocalDate | null,
): watermark is LocalDate {
  return watermark !== null && watermark >= lastGraceDate;
}

/**
 * Records what an undecided member waits for after `evaluationAt` (the `memberStates` projection shows it):
 * `since` stays while the reason stays, so a repeated check changes nothing. Before evaluation there is
 * nothing to record.
 */
export function noteWaiting(ledger: MemberLedger, check: DecisionCheck, nowIso: string): MemberLedger {
  if (check.kind !== 'NOT_YET' || check.reason === 'BEFORE_EVALUATION') return ledger;
  if (ledger.waiting?.reason === check.reason) return ledger;
  return { ...ledger, waiting: { reason: check.reason, since: nowIso } };
}

/** How many hold references the detail names; the rest are counted (the detail reaches the 16 KB custom status). */
export const HELD_REFS_SHOWN = 5;
const MAX_REF_CHARS = 120;

/** A bounded description of the holds: the count and the first few references (sorted, each cut short). */
export function heldRowsDetail(refs: readonly string[]): string {
  const shown = [...refs]
    .sort()
    .slice(0, HELD_REFS_SHOWN)
    .map((ref) => (ref.length > MAX_REF_CHARS ? `${ref.slice(0, MAX_REF_CHARS)}…` : ref));
  const more = refs.length - shown.length;
  const rows = refs.length === 1 ? 'row' : 'rows';
  return `${refs.length} quarantined feed ${rows}: ${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
}

/** SPEC §4: a disqualifying withdrawal settled or still pending at the cut-off counts as made. */
function anyDisqualifyingWithdrawal(ledger: MemberLedger): boolean {
  const totals = computeTotals(ledger, ledger.enrolment.window.lastGraceDate);
  return totals.settledWithdrawalCents > 0 || totals.pendingWithdrawalCents > 0;
}
