import {
  acceptsRewardUpdate,
  type CelebrationKind,
  type DecisionRecord,
  type MemberLedger,
  type Notification,
  type RewardRecord,
} from './ledger';
import { isPastEvaluation, memberState, type MemberState } from './memberState';
import { fail, ok, type Result } from './result';

/** The state in which each celebration is shown (SPEC §5). */
const CELEBRATED_IN: Record<CelebrationKind, MemberState> = {
  TARGET_REACHED: 'PENDING_REWARD',
  REWARD_ISSUED: 'COMPLETE',
};

/**
 * Raises a celebration when the member enters its state, withdraws it (and its undelivered notification)
 * when the member leaves before acknowledging, and never raises an acknowledged one again. Call after
 * every change, with the change's time. The member's state depends on time only through `evaluationAt`;
 * once an operation stamped after it was applied, a later-arriving one stamped before it is judged as
 * after it too (SPEC §3: delivery is unordered), so time never goes back for the member.
 */
export function refreshCelebrations(ledger: MemberLedger, changedAtIso: string): MemberLedger {
  const late = ledger.pastEvaluationAt !== undefined && !isPastEvaluation(ledger, changedAtIso);
  const atIso = late ? (ledger.pastEvaluationAt as string) : changedAtIso;
  const state = memberState(ledger, atIso);
  let next: MemberLedger =
    ledger.pastEvaluationAt === undefined && isPastEvaluation(ledger, atIso)
      ? { ...ledger, pastEvaluationAt: atIso }
      : ledger;
  for (const kind of Object.keys(CELEBRATED_IN) as CelebrationKind[]) {
    const current = next.celebrations[kind];
    if (current.acknowledgedAt !== null) continue;
    const inState = state === CELEBRATED_IN[kind];
    if (inState && current.raisedAt === null) {
      const epoch = current.epoch + 1;
      const { memberId, campaignId } = next.enrolment;
      const notification: Notification = {
        id: `${campaignId}:${memberId}:${kind}:${epoch}`,
        kind,
        memberId,
        campaignId,
        at: atIso,
      };
      next = {
        ...next,
        celebrations: { ...next.celebrations, [kind]: { ...current, raisedAt: atIso, epoch } },
        outbox: [...next.outbox, notification],
      };
    } else if (!inState && current.raisedAt !== null) {
      next = {
        ...next,
        celebrations: { ...next.celebrations, [kind]: { ...current, raisedAt: null } },
        outbox: next.outbox.filter((n) => n.kind !== kind),
      };
    }
  }
  return next;
}

export interface VisibleCelebration {
  kind: CelebrationKind;
  raisedAt: string;
}

/** Celebrations the app should show now: in their state and not acknowledged. */
export function visibleCelebrations(ledger: MemberLedger, nowIso: string): VisibleCelebration[] {
  const state = memberState(ledger, nowIso);
  return (Object.keys(CELEBRATED_IN) as CelebrationKind[])
    .filter((kind) => state === CELEBRATED_IN[kind] && ledger.celebrations[kind].acknowledgedAt === null)
    .map((kind) => ({ kind, raisedAt: ledger.celebrations[kind].raisedAt ?? nowIso }));
}

/** Acknowledges a shown celebration; acknowledging it again is a no-op. */
export function acknowledge(
  ledger: MemberLedger,
  kind: CelebrationKind,
  atIso: string,
): Result<MemberLedger, 'CELEBRATION.NOT_RAISED'> {
  if (ledger.celebrations[kind].acknowledgedAt !== null) return ok(ledger);
  if (!visibleCelebrations(ledger, atIso).some((c) => c.kind === kind)) {
    return fail('CELEBRATION.NOT_RAISED', `${kind} is not currently raised for this member`);
  }
  const current = ledger.celebrations[kind];
  return ok({
    ...ledger,
    celebrations: {
      ...ledger.celebrations,
      [kind]: { ...current, raisedAt: current.raisedAt ?? atIso, acknowledgedAt: atIso },
    },
  });
}

/** Records the final decision once; a second recording returns the ledger unchanged (SPEC §5). */
export function recordDecision(ledger: MemberLedger, decision: DecisionRecord): MemberLedger {
  if (ledger.decision) return ledger;
  const reward: RewardRecord | null =
    decision.outcome === 'QUALIFIED'
      ? { status: 'PENDING', points: ledger.enrolment.config.rewardPoints, attempts: 0 }
      : null;
  return { ...ledger, decision, reward };
}

/**
 * Records the outcome of an issuance attempt. Only a qualified member has a reward, and an issued reward
 * stays issued whatever arrives later.
 */
export function recordReward(ledger: MemberLedger, update: RewardRecord): MemberLedger {
  if (!ledger.reward || !acceptsRewardUpdate(ledger.decision?.outcome, ledger.reward.status)) return ledger;
  return { ...ledger, reward: { ...update, attempts: Math.max(update.attempts, ledger.reward.attempts) } };
}

/** Drops delivered notifications from the outbox. */
export function ackOutbox(ledger: MemberLedger, ids: readonly string[]): MemberLedger {
  const delivered = new Set(ids);
  return { ...ledger, outbox: ledger.outbox.filter((n) => !delivered.has(n.id)) };
}
