import * as df from 'durable-functions';
import type { OrchestrationContext, OrchestrationHandler, TimerTask } from 'durable-functions';
import { rewardFrom, type DecisionRecord, type IssueOutcome, type RewardRecord } from '../domain';
import { ACTIVITIES, MEMBER_CAMPAIGN_ORCHESTRATOR, MEMBER_ENTITY, RECHECK_EVENT } from '../durableNames';
import { POINTS_RETRY } from './memberCampaign';
import {
  memberCampaignInputSchema,
  recheckEventSchema,
  type AlertInput,
  type CampaignPhase,
  type DecideResult,
  type IssuePointsInput,
  type RecordDecisionInput,
  type RecordIssuanceInput,
} from './memberCampaignInput';

/** Wake-ups per execution before continueAsNew keeps the history small (each is a handful of events). */
export const MAX_WAKES_PER_EXECUTION = 48;

/**
 * v2 of one member's campaign (`memberCampaign:{campaignId}:{memberId}`, orchestrator
 * `memberCampaign_v2`, docs/versioning.md): waits on a durable timer for `evaluationAt`, then asks the
 * member entity for the final decision. While the answer is "not yet" (the watermark is behind the last
 * grace date, or a quarantine hold) it does not poll: it waits for a `recheck` event, raised for exactly the
 * members concerned by a feed run that covers their last grace date, a correction that touched them, a
 * re-drive, or the sweep's safety net (docs/flows.md § 4), raced only until the late alert is due
 * (`evaluationAt + feedLateAlertAfter`, one timer). So its durable work does not grow with the length of
 * the wait. Once decided it records the decision and issues the points exactly as v1 does. The sequence
 * of yields is a contract with running instances: change it under a new name.
 */
export const memberCampaignV2: OrchestrationHandler = function* (context: OrchestrationContext) {
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

  const alertAt = new Date(evaluationAt.getTime() + input.feedLateAlertAfterMs);
  let alerted = input.alerted;
  let waiting = input.waiting;
  let deadline: TimerTask | undefined;
  let releaseHolds = false;
  let decision: DecisionRecord | undefined;
  for (let wake = 0; decision === undefined; wake++) {
    if (releaseHolds) yield context.df.callEntity(entity, 'releaseHolds', { at: now().toISOString() });
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
    const check = result.value;
    if (now() >= alertAt && !alerted) {
      const kind: AlertInput['kind'] = check.reason === 'QUARANTINE_HOLD' ? 'QUARANTINE_HOLD' : 'FEED_LATE';
      yield context.df.callActivity(ACTIVITIES.raiseAlert, {
        kind,
        memberId: input.memberId,
        detail: check.detail,
      } satisfies AlertInput);
      alerted = true;
    }
    if (waiting?.reason !== check.reason) waiting = { reason: check.reason, since: now().toISOString() };
    // detail is bounded (a count and a few references): Azure caps custom status at 16 KB (issue 16.3)
    status(check.reason === 'QUARANTINE_HOLD' ? 'HELD_FOR_REVIEW' : 'WAITING_FOR_SETTLEMENT', {
      reason: check.reason,
      since: waiting.since,
      detail: check.detail,
      watermark,
      alerted,
      wakeUps: wake,
    });
    if (wake >= MAX_WAKES_PER_EXECUTION) {
      context.df.continueAsNew({ ...input, alerted, waiting });
      return undefined;
    }
    const recheck = context.df.waitForExternalEvent(RECHECK_EVENT);
    if (alerted) yield recheck;
    else {
      // The alert deadline is one timer for the whole wait (re-used, never re-created): it fires once.
      deadline ??= context.df.createTimer(alertAt);
      yield context.df.Task.any([recheck, deadline]);
    }
    const event = recheck.isCompleted ? recheckEventSchema.safeParse(recheck.result) : undefined;
    releaseHolds = event?.success === true && event.data.releaseHolds === true;
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

df.app.orchestration(MEMBER_CAMPAIGN_ORCHESTRATOR, memberCampaignV2);
