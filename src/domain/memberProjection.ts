import type { DecisionOutcome, MemberLedger, RewardStatus, Waiting } from './ledger';
import { blockingHolds, isPastEvaluation, memberState, shownTotals, type MemberState } from './memberState';

/**
 * What the `memberStates` projection keeps of a member (one document each, docs/contracts.md): enough for
 * the ops funnel to be one aggregate query instead of a read of every member entity.
 */
export interface MemberProjection {
  state: MemberState;
  /** A pending withdrawal would take an undecided member below the target (the member view's warning). */
  atRisk: boolean;
  /** Quarantine holds dated on or before the last grace date hold the decision. */
  held: boolean;
  decision: DecisionOutcome | null;
  /** A qualified member's reward: PENDING until the points system answered for good. */
  rewardStatus: RewardStatus | null;
  /** The enrolment's local day 0 (the funnel by day of enrolment). */
  enrolledOn: string;
  /** The last grace date: a run whose watermark reaches it wakes the member (docs/flows.md § 4). */
  lastGraceDate: string;
  /** What an undecided member's decision waits for after `evaluationAt`, and since when (null: nothing). */
  waitingFor: Waiting['reason'] | null;
  waitingSince: string | null;
}

/** The projection of the ledger at `nowIso` (the state depends on time only through `evaluationAt`). */
export function projectMember(ledger: MemberLedger, nowIso: string): MemberProjection {
  const { decision, reward } = ledger;
  return {
    state: memberState(ledger, nowIso),
    atRisk: decision === null && shownTotals(ledger, nowIso).atRisk,
    held: blockingHolds(ledger).length > 0,
    decision: decision?.outcome ?? null,
    rewardStatus: reward?.status ?? (decision?.outcome === 'QUALIFIED' ? 'PENDING' : null),
    enrolledOn: ledger.enrolment.window.day0,
    lastGraceDate: ledger.enrolment.window.lastGraceDate,
    waitingFor: decision ? null : (ledger.waiting?.reason ?? null),
    waitingSince: decision ? null : (ledger.waiting?.since ?? null),
  };
}

/**
 * What the member entity remembers of its last projection: its version (the document's last-writer rule),
 * the latest instant the member was judged at, and the projection's fields as text for comparison.
 */
export interface ProjectionMark {
  version: number;
  at: string;
  shown: string;
}

const later = (a: string, b: string | undefined) =>
  b !== undefined && Date.parse(b) > Date.parse(a) ? b : a;

/**
 * After an operation: the member is judged at the latest instant known to the entity (its enrolment, an
 * operation stamped past `evaluationAt`, a decision check's `now`), so a state that changes with time alone
 * (past `evaluationAt`) is seen at the check that crosses it and not lost by later operations. The version
 * goes up exactly when what the projection shows changed. Pure: time arrives in `observedAt`.
 */
export function markProjection(
  previous: ProjectionMark | undefined,
  ledger: MemberLedger,
  observedAt?: string,
): { mark: ProjectionMark; changed: boolean } {
  // The state depends on time only through "past evaluationAt or not", so the instant moves once, at the
  // first time seen past it: an operation that changes nothing leaves the mark (and the entity) as it was.
  const before = previous?.at ?? ledger.enrolment.enrolledAt;
  const seen = later(later(before, ledger.pastEvaluationAt), observedAt);
  const at = isPastEvaluation(ledger, before) || !isPastEvaluation(ledger, seen) ? before : seen;
  const shown = JSON.stringify(projectMember(ledger, at));
  const changed = shown !== previous?.shown;
  return { mark: { version: (previous?.version ?? 0) + (changed ? 1 : 0), at, shown }, changed };
}
