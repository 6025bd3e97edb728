import * as df from 'durable-functions';
import type { OrchestrationContext, OrchestrationHandler, Task } from 'durable-functions';
import { rewardFrom, type DecisionRecord, type IssueOutcome, type RewardRecord } from '../domain';
import { callActivity, callMember, orchestrator, signalMember } from './durableCalls';
import {
  ACTIVITY_CONTRACTS as ACTIVITY,
  CAMPAIGN_CONTRACTS,
  type CampaignInput,
  type CampaignResult,
  MEMBER_CONTRACTS as MEMBER,
  type AlertInput,
  type IssuePointsInput,
  type RecordDecisionInput,
} from './memberCampaignContracts';
import type { CampaignPhase } from './memberCampaignInput';

/** Bounded retries inside the orchestration; the sweep drives the rest, indefinitely (SPEC §6). */
export const POINTS_RETRY = {
  firstRetryMs: 5_000,
  maxAttempts: 6,
  backoffCoefficient: 2,
  maxRetryMs: 300_000,
};

/** Watermark checks per execution before continueAsNew keeps the history small. */
export const MAX_CHECKS_PER_EXECUTION = 48;

/**
 * v1, FROZEN (docs/versioning.md): runs the instances started before `memberCampaign_v2`; new instances
 * start under v2 (src/orchestrators/memberCampaignV2.ts). Do not change its sequence of yields; delete it
 * only when no instance of it can still be running.
 *
 * One member's campaign (`memberCampaign:{campaignId}:{memberId}`): waits on a durable timer for
 * `evaluationAt`, then until the settlement watermark reaches the last grace date, asks the member entity
 * for the final decision, records it, and issues the points exactly once. Transactions never pass through
 * here. The sequence of yields is a contract with running instances: change it under a new name.
 */
function* run(context: OrchestrationContext, input: CampaignInput): Generator<Task, CampaignResult, unknown> {
  const now = () => context.df.currentUtcDateTime;
  const status = (phase: CampaignPhase, extra: Record<string, unknown> = {}) =>
    context.df.setCustomStatus({
      phase,
      memberId: input.memberId,
      evaluationAt: input.evaluationAt,
      ...extra,
    });

  signalMember(context, input.memberId, MEMBER.enrol, {
    enrolment: input.enrolment,
    at: now().toISOString(),
  });
  const evaluationAt = new Date(input.evaluationAt);
  if (now() < evaluationAt) {
    status('WAITING_FOR_WINDOW');
    yield context.df.createTimer(evaluationAt);
  }

  let alerted = input.alerted;
  let decision: DecisionRecord | undefined;
  for (let check = 1; decision === undefined; check++) {
    const { watermark } = yield* callActivity(context, ACTIVITY.readWatermark, undefined);
    const result = yield* callMember(context, input.memberId, MEMBER.decide, {
      now: now().toISOString(),
      watermark,
    });
    if (!result.ok) {
      status('NOT_ENROLLED', { detail: result.detail });
      return { outcome: 'NOT_ENROLLED' };
    }
    if (result.value.kind === 'DECIDED') {
      decision = result.value.decision;
      break;
    }
    const waiting = result.value;
    const late = now().getTime() >= evaluationAt.getTime() + input.feedLateAlertAfterMs;
    if (late && !alerted) {
      const kind: AlertInput['kind'] = waiting.reason === 'QUARANTINE_HOLD' ? 'QUARANTINE_HOLD' : 'FEED_LATE';
      yield* callActivity(context, ACTIVITY.raiseAlert, {
        kind,
        memberId: input.memberId,
        detail: waiting.detail,
      });
      alerted = true;
    }
    status(waiting.reason === 'QUARANTINE_HOLD' ? 'HELD_FOR_REVIEW' : 'WAITING_FOR_SETTLEMENT', {
      reason: waiting.reason,
      detail: waiting.detail,
      watermark,
      alerted,
    });
    if (check >= MAX_CHECKS_PER_EXECUTION) {
      context.df.continueAsNew({ ...input, alerted });
      return undefined;
    }
    yield context.df.createTimer(new Date(now().getTime() + input.watermarkRecheckMs));
  }

  const record: RecordDecisionInput = {
    memberId: input.memberId,
    campaignId: input.campaignId,
    decision,
    points: input.rewardPoints,
  };
  yield* callActivity(context, ACTIVITY.recordDecision, record);
  if (decision.outcome !== 'QUALIFIED') {
    status('DECIDED', { outcome: decision.outcome });
    return { outcome: decision.outcome };
  }

  status('ISSUING_POINTS', { outcome: decision.outcome });
  const issue: IssuePointsInput = {
    memberId: input.memberId,
    campaignId: input.campaignId,
    points: input.rewardPoints,
  };
  const retry = new df.RetryOptions(POINTS_RETRY.firstRetryMs, POINTS_RETRY.maxAttempts);
  retry.backoffCoefficient = POINTS_RETRY.backoffCoefficient;
  retry.maxRetryIntervalInMilliseconds = POINTS_RETRY.maxRetryMs;
  let outcome: IssueOutcome;
  try {
    outcome = yield* callActivity(context, ACTIVITY.issuePoints, issue, retry);
  } catch (error) {
    const reward: RewardRecord = {
      status: 'PENDING',
      points: input.rewardPoints,
      attempts: POINTS_RETRY.maxAttempts,
      lastError: describe(error),
    };
    yield* callActivity(context, ACTIVITY.recordIssuance, { ...issue, reward, at: now().toISOString() });
    signalMember(context, input.memberId, MEMBER.recordReward, { reward, at: now().toISOString() });
    status('REWARD_RETRY_PENDING', { lastError: reward.lastError });
    return { outcome: 'REWARD_RETRY_PENDING' };
  }

  const reward = rewardFrom(outcome, input.rewardPoints, now().toISOString());
  yield* callActivity(context, ACTIVITY.recordIssuance, {
    ...issue,
    reward,
    outcome: outcome.kind,
    at: now().toISOString(),
  });
  signalMember(context, input.memberId, MEMBER.recordReward, { reward, at: now().toISOString() });
  if (reward.status === 'NEEDS_REVIEW') {
    const alert: AlertInput = {
      kind: 'REWARD_NEEDS_REVIEW',
      memberId: input.memberId,
      detail: reward.lastError ?? outcome.kind,
    };
    yield* callActivity(context, ACTIVITY.raiseAlert, alert);
  }
  status(reward.status === 'ISSUED' ? 'COMPLETE' : 'NEEDS_REVIEW', { outcome: outcome.kind });
  return { outcome: reward.status };
}

export const memberCampaign: OrchestrationHandler = orchestrator(CAMPAIGN_CONTRACTS.v1, run);

function describe(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 500);
}

df.app.orchestration(CAMPAIGN_CONTRACTS.v1.name, memberCampaign);
