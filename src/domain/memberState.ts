import { instantMs } from './calendar';
import type { MemberLedger } from './ledger';
import { assertNever } from './result';
import { applyPolicy, computeTotals, type PolicyTotals } from './totals';

export const MEMBER_STATES = [
  'ENROLLED',
  'ACTIVE',
  'PENDING_REWARD',
  'DISQUALIFIED',
  'REWARDING',
  'COMPLETE',
  'EXPIRED',
  'NEEDS_REVIEW',
] as const;
export type MemberState = (typeof MEMBER_STATES)[number];

export function isPastEvaluation(ledger: MemberLedger, nowIso: string): boolean {
  return instantMs(nowIso) >= instantMs(ledger.enrolment.window.evaluationAt);
}

/** Holds dated on or before the last grace date: they hold the decision (SPEC §5). */
export function blockingHolds(ledger: MemberLedger) {
  const last = ledger.enrolment.window.lastGraceDate;
  return Object.values(ledger.holds).filter((h) => h.businessDate <= last);
}

/** The totals the member is shown: after `evaluationAt`, as of the last grace date (SPEC §5). */
export function shownTotals(ledger: MemberLedger, nowIso: string): PolicyTotals {
  const cutoff = isPastEvaluation(ledger, nowIso) ? ledger.enrolment.window.lastGraceDate : undefined;
  return applyPolicy(ledger, computeTotals(ledger, cutoff));
}

/**
 * The member's state (SPEC §5): before the decision a pure function of the ledger and `now`; after it,
 * of the recorded decision and reward, except that a completed member whose ledger as known now no
 * longer meets the rules needs review.
 */
export function memberState(ledger: MemberLedger, nowIso: string): MemberState {
  const { decision, reward } = ledger;
  if (decision) {
    switch (decision.outcome) {
      case 'NOT_REACHED':
        return 'EXPIRED';
      case 'DISQUALIFIED':
        return 'DISQUALIFIED';
      case 'QUALIFIED':
        if (reward?.status === 'NEEDS_REVIEW') return 'NEEDS_REVIEW';
        if (reward?.status !== 'ISSUED') return 'REWARDING';
        return stillMeetsRules(ledger) ? 'COMPLETE' : 'NEEDS_REVIEW';
      default:
        return assertNever(decision.outcome);
    }
  }
  if (isPastEvaluation(ledger, nowIso) && blockingHolds(ledger).length > 0) return 'NEEDS_REVIEW';
  const shown = shownTotals(ledger, nowIso);
  if (shown.disqualified) return 'DISQUALIFIED';
  if (shown.progressCents >= ledger.enrolment.config.targetAudCents) return 'PENDING_REWARD';
  return computeTotals(ledger).loadSeen ? 'ACTIVE' : 'ENROLLED';
}

function stillMeetsRules(ledger: MemberLedger): boolean {
  const now = applyPolicy(ledger, computeTotals(ledger));
  return !now.disqualified && now.progressCents >= ledger.enrolment.config.targetAudCents;
}
