import * as df from 'durable-functions';
import type { OrchestrationContext, OrchestrationHandler } from 'durable-functions';
import { rewardFrom, type DecisionRecord, type IssueOutcome, type RewardRecord } from '../domain';
import { ACTIVITIES, MEMBER_CAMPAIGN_V1_ORCHESTRATOR, MEMBER_ENTITY } from '../durableNames';
import {
  memberCampaignInputSchema,
  type AlertInput,
  type CampaignPhase,
  type DecideResult,
  type IssuePointsInput,
  type RecordDecisionInput,
  type RecordIssuanceInput,
} from './memberCampaignInput';

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
export const memberCampaign: OrchestrationHandler = function* (context: OrchestrationContext) {
  const input = memberCampaignInputSchema.parse(context.df.getInput());
  const entity = new df.EntityId(MEMBER_ENTITY, input.memberId);
  const now = () => context.df.currentUtcDateTime;
  const status = (phase: CampaignPhase, extra: Record<string, unknown> = {}) =>
    context.df.setCustomStatus({
      phase,
      memberId: input.memberId,
      evaluationAt: input.evaluationAt,
      ...extra,
    });

  context.df.signalEntity(entity, 'enrol', { enrolment: input.enrolment, at: now().toISOString() });
  const evaluationAt = new Date(input.evaluationAt);
  if (now() < evaluationAt) {
    status('WAITING_FOR_WINDOW');
    yield context.df.createTimer(evaluationAt);
  }

  let alerted = input.alerted;
  let decision: DecisionRecord | undefined;
  for (let check = 1; decision === undefined; check++) {
    const { watermark } = (yield context.df.callActivity(ACTIVITIES.readWatermark)) as {
      watermark: string | null;
    };
    const result = (yield context.df.callEntity(entity, 'decide', {
      now: now().toISOString(),
      watermark,
    })) as DecideResult;
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
      yield context.df.callActivity(ACTIVITIES.raiseAlert, {
        kind,
        memberId: input.memberId,
        detail: waiting.detail,
      } satisfies AlertInput);
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
  yield context.df.callActivity(ACTIVITIES.recordDecision, record);
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
    outcome = (yield context.df.callActivityWithRetry(ACTIVITIES.issuePoints, retry, issue)) as IssueOutcome;
  } catch (error) {
    const reward: RewardRecord = {
      status: 'PENDING',
      points: input.rewardPoints,
      attempts: POINTS_RETRY.maxAttempts,
      lastError: describe(error),
    };
    yield context.df.callActivity(ACTIVITIES.recordIssuance, {
      ...issue,
      reward,
      at: now().toISOString(),
    } satisfies RecordIssuanceInput);
    context.df.signalEntity(entity, 'recordReward', { reward, at: now().toISOString() });
    status('REWARD_RETRY_PENDING', { lastError: reward.lastError });
    return { outcome: 'REWARD_RETRY_PENDING' };
  }

  const reward = rewardFrom(outcome, input.rewardPoints, now().toISOString());
  yield context.df.callActivity(ACTIVITIES.recordIssuance, {
    ...issue,
    reward,
    outcome: outcome.kind,
    at: now().toISOString(),
  } satisfies RecordIssuanceInput);
  context.df.signalEntity(entity, 'recordReward', { reward, at: now().toISOString() });
  if (reward.status === 'NEEDS_REVIEW') {
    const alert: AlertInput = {
      kind: 'REWARD_NEEDS_REVIEW',
      memberId: input.memberId,
      detail: reward.lastError ?? outcome.kind,
    };
    yield context.df.callActivity(ACTIVITIES.raiseAlert, alert);
  }
  status(reward.status === 'ISSUED' ? 'COMPLETE' : 'NEEDS_REVIEW', { outcome: outcome.kind });
  return { outcome: reward.status };
};

function describe(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 500);
}

df.app.orchestration(MEMBER_CAMPAIGN_V1_ORCHESTRATOR, memberCampaign);
