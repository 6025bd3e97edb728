import * as df from 'durable-functions';
import type { OrchestrationContext, OrchestrationHandler, Task, TimerTask } from 'durable-functions';
import {
  rewardFrom,
  watermarkCovers,
  type DecisionCheck,
  type DecisionRecord,
  type IssueOutcome,
  type RewardRecord,
} from '../domain';
import { RECHECK_EVENT } from '../durableNames';
import { callActivity, callMember, orchestrator, signalMember } from './durableCalls';
import { POINTS_RETRY } from './memberCampaign';
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
import { recheckEventSchema, type CampaignPhase } from './memberCampaignInput';

/** Wake-ups per execution before continueAsNew keeps the history small (each is a handful of events). */
export const MAX_WAKES_PER_EXECUTION = 48;

type NotYetCheck = Extract<DecisionCheck, { kind: 'NOT_YET' }>;

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

  const alertAt = new Date(evaluationAt.getTime() + input.feedLateAlertAfterMs);
  let alerted = input.alerted;
  let waiting = input.waiting;
  let deadline: TimerTask | undefined;
  let watermark: string | null = null;
  /** The last check's answer, and whether the alert deadline (not an event) ended the wait since. */
  let last: NotYetCheck | undefined;
  let byDeadline = false;
  let releaseHolds = false;
  let decision: DecisionRecord | undefined;
  for (let wake = 0; decision === undefined; wake++) {
    // Same sender, so the entity applies the release before the decision check below.
    if (releaseHolds) signalMember(context, input.memberId, MEMBER.releaseHolds, { at: now().toISOString() });
    // A hold means the watermark covered the last grace date at the last check; it never goes back.
    if (last?.reason !== 'QUARANTINE_HOLD')
      ({ watermark } = yield* callActivity(context, ACTIVITY.readWatermark, undefined));
    // Woken by the alert deadline, not by an event: the entity would answer as last time unless the
    // watermark moved (a hold is released only with an event)
    const unchanged =
      byDeadline &&
      last !== undefined &&
      (last.reason === 'QUARANTINE_HOLD' || !watermarkCovers(input.lastGraceDate, watermark));
    let check: NotYetCheck;
    if (unchanged && last) check = last;
    else {
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
      check = result.value;
    }
    last = check;
    if (now() >= alertAt && !alerted) {
      const kind: AlertInput['kind'] = check.reason === 'QUARANTINE_HOLD' ? 'QUARANTINE_HOLD' : 'FEED_LATE';
      yield* callActivity(context, ACTIVITY.raiseAlert, {
        kind,
        memberId: input.memberId,
        detail: check.detail,
      });
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
    byDeadline = !recheck.isCompleted;
    const event = recheck.isCompleted ? recheckEventSchema.safeParse(recheck.result) : undefined;
    releaseHolds = event?.success === true && event.data.releaseHolds === true;
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

export const memberCampaignV2: OrchestrationHandler = orchestrator(CAMPAIGN_CONTRACTS.v2, run);

function describe(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 500);
}

df.app.orchestration(CAMPAIGN_CONTRACTS.v2.name, memberCampaignV2);
