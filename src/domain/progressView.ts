import type { LocalDate } from './calendar';
import type { DecisionOutcome, MemberLedger, RewardStatus } from './ledger';
import { visibleCelebrations, type VisibleCelebration } from './lifecycle';
import { memberState, shownTotals, type MemberState } from './memberState';
import { formatCents } from './money';

/** What the app shows a member (SPEC §8). Money both as integer cents and as a decimal string. */
export interface ProgressView {
  memberId: string;
  campaignId: string;
  state: MemberState;
  /** The campaign calendar's zone (snapshotted at enrolment): clients show times in it, naming it. */
  timeZone: string;
  enrolledAt: string;
  windowClosesAt: string;
  evaluationAt: string;
  lastGraceDate: LocalDate;
  targetCents: number;
  progressCents: number;
  confirmedCents: number;
  pendingCents: number;
  remainingCents: number;
  target: string;
  progress: string;
  confirmed: string;
  pending: string;
  remaining: string;
  atRisk: boolean;
  celebrations: VisibleCelebration[];
  decision: { outcome: DecisionOutcome; decidedAt: string } | null;
  reward: { status: RewardStatus; points: number; issuedAt?: string; attempts: number } | null;
  asOf: string;
}

export function progressView(ledger: MemberLedger, nowIso: string): ProgressView {
  const { enrolment } = ledger;
  const target = enrolment.config.targetAudCents;
  const shown = shownTotals(ledger, nowIso);
  const remaining = Math.max(0, target - shown.progressCents);
  const { decision, reward } = ledger;
  return {
    memberId: enrolment.memberId,
    campaignId: enrolment.campaignId,
    state: memberState(ledger, nowIso),
    timeZone: enrolment.config.timeZone,
    enrolledAt: enrolment.enrolledAt,
    windowClosesAt: enrolment.window.windowClosesAt,
    evaluationAt: enrolment.window.evaluationAt,
    lastGraceDate: enrolment.window.lastGraceDate,
    targetCents: target,
    progressCents: shown.progressCents,
    confirmedCents: shown.confirmedCents,
    pendingCents: shown.pendingCents,
    remainingCents: remaining,
    target: formatCents(target),
    progress: formatCents(shown.progressCents),
    confirmed: formatCents(shown.confirmedCents),
    pending: formatCents(shown.pendingCents),
    remaining: formatCents(remaining),
    atRisk: ledger.decision === null && shown.atRisk,
    celebrations: visibleCelebrations(ledger, nowIso),
    decision: decision ? { outcome: decision.outcome, decidedAt: decision.decidedAt } : null,
    reward: reward
      ? {
          status: reward.status,
          points: reward.points,
          attempts: reward.attempts,
          ...(reward.issuedAt ? { issuedAt: reward.issuedAt } : {}),
        }
      : null,
    asOf: nowIso,
  };
}
