import * as df from 'durable-functions';
import type { InvocationContext } from '@azure/functions';
import { isTransientPointsError } from '../adapters/points/errors';
import { campaignClientOf } from '../app/durableClient';
import { wakeNotifyQuietly } from '../app/notifyWake';
import { services, type Services } from '../app/services';
import type { IssueOutcome } from '../domain';
import {
  ACTIVITY_CONTRACTS,
  type AlertInput,
  type IssuePointsInput,
  type RecordDecisionInput,
  type RecordIssuanceInput,
} from '../orchestrators/memberCampaignContracts';

/** The member orchestrator's activities: all its I/O, built over injected services. */
export function createCampaignActivities(s: () => Services) {
  return {
    /** SPEC §6: every final decision is written once to `rewards`; a second write is "already done". */
    async recordFinalDecision(input: RecordDecisionInput): Promise<'RECORDED' | 'ALREADY_DONE'> {
      const { repos } = s();
      const { decision } = input;
      const qualified = decision.outcome === 'QUALIFIED';
      const result = await repos.rewards.recordDecision({
        memberId: input.memberId,
        campaignId: input.campaignId,
        decision: decision.outcome,
        decidedAt: decision.decidedAt,
        ...(qualified
          ? {
              points: input.points,
              issuance: { status: 'PENDING', attempts: 0, updatedAt: decision.decidedAt },
            }
          : {}),
        evidence: { confirmedCents: decision.confirmedCents, watermark: decision.watermark },
      });
      await repos.members.markDecided(input.campaignId, input.memberId, decision.decidedAt);
      return result;
    },

    /**
     * Calls the points system with the member's idempotency key. Transient failures are thrown for the
     * retry policy; a replay after a lost response is recognised by the points system (200).
     */
    async issueRewardPoints(input: IssuePointsInput): Promise<IssueOutcome> {
      const reference = `${input.campaignId}:${input.memberId}`;
      try {
        const result = await s().points.creditPoints({ ...input, reference });
        switch (result.kind) {
          case 'ISSUED':
          case 'REPLAYED':
            return { kind: result.kind, creditId: result.credit.creditId };
          case 'CONFLICT':
            return { kind: 'CONFLICT', detail: result.detail };
          case 'REFUSED':
            return { kind: 'REFUSED', detail: `${result.status} ${result.code}: ${result.detail}` };
          default: {
            const unreachable: never = result;
            throw new Error(`unknown points result ${JSON.stringify(unreachable)}`);
          }
        }
      } catch (error) {
        if (isTransientPointsError(error)) throw error;
        throw new Error(`points call failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    },

    async recordRewardIssuance(input: RecordIssuanceInput): Promise<string> {
      const { reward } = input;
      return s().repos.rewards.updateIssuance(input.campaignId, input.memberId, {
        status: reward.status,
        attempts: reward.attempts,
        updatedAt: input.at,
        ...(input.outcome ? { outcome: input.outcome } : {}),
        ...(reward.creditId ? { creditId: reward.creditId } : {}),
        ...(reward.lastError ? { lastError: reward.lastError } : {}),
      });
    },

    /** Alerts are log lines with a stable prefix; Azure Monitor alert rules query them (infra/bicep). */
    async raiseOpsAlert(input: AlertInput, context: InvocationContext): Promise<void> {
      context.warn(`OPS_ALERT ${input.kind} memberId=${input.memberId} ${input.detail}`);
    },
  };
}

const activities = createCampaignActivities(services);
const durableClient = df.input.durableClient();

/**
 * The decision (recorded in the entity before this activity runs) and the reward (signalled to the entity
 * right after it) change the member's notifications: wake its outbox shard, whose dispatch waits
 * NOTIFY_SETTLE_MS before reading. A failed wake is logged, never fails the campaign (the sweep wakes it).
 */
async function thenWake<T>(context: InvocationContext, memberId: string, result: T): Promise<T> {
  await wakeNotifyQuietly(campaignClientOf(context), [memberId], (line) => context.warn(line));
  return result;
}

// Each activity parses its input with its contract (memberCampaignContracts.ts): history is JSON that
// another version may have written.
const { recordDecision, issuePoints, recordIssuance, raiseAlert } = ACTIVITY_CONTRACTS;
df.app.activity(recordDecision.name, {
  extraInputs: [durableClient],
  handler: async (raw: unknown, context: InvocationContext) => {
    const input = recordDecision.input.parse(raw);
    return thenWake(context, input.memberId, await activities.recordFinalDecision(input));
  },
});
df.app.activity(issuePoints.name, {
  handler: (raw: unknown) => activities.issueRewardPoints(issuePoints.input.parse(raw)),
});
df.app.activity(recordIssuance.name, {
  extraInputs: [durableClient],
  handler: async (raw: unknown, context: InvocationContext) => {
    const input = recordIssuance.input.parse(raw);
    return thenWake(context, input.memberId, await activities.recordRewardIssuance(input));
  },
});
df.app.activity(raiseAlert.name, {
  handler: (raw: unknown, context: InvocationContext) =>
    activities.raiseOpsAlert(raiseAlert.input.parse(raw), context),
});
