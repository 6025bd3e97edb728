import { z } from 'zod';
import {
  asCents,
  DECISION_OUTCOMES,
  ISSUE_OUTCOMES,
  REWARD_STATUSES,
  localDateSchema,
  memberCommandInputs,
  rewardRecordSchema,
  type DecisionCheck,
  type DecisionRecord,
  type IssueOutcome,
  type RewardRecord,
} from '../domain';
import {
  ACTIVITIES,
  MEMBER_CAMPAIGN_ORCHESTRATOR,
  MEMBER_CAMPAIGN_V1_ORCHESTRATOR,
  type MemberOperation,
} from '../durableNames';
import { watermarkResultSchema } from '../feed/durable';
import { contract, noResult } from './durableCalls';
import { memberCampaignInputSchema } from './memberCampaignInput';

/**
 * One contract per durable function the member orchestration calls (issue 10.2): its name, its input
 * schema and its output schema, types by `z.infer`. The activities parse their input with the contract
 * (src/functions/campaignActivities.ts); the orchestration calls through `callActivity` / `callMember`
 * (src/orchestrators/durableCalls.ts), which parse the result, so a payload written by another version is
 * validated like any boundary. Durable instants are kept as sent (not normalised), so replayed inputs are
 * byte-identical.
 */
const instant = z.iso.datetime({ offset: true });
const id = z.string().min(1);

const rewardSchema = rewardRecordSchema satisfies z.ZodType<RewardRecord>;

const decisionRecordSchema = z.object({
  outcome: z.enum(DECISION_OUTCOMES),
  decidedAt: instant,
  confirmedCents: z.number().int().transform(asCents),
  watermark: localDateSchema,
}) satisfies z.ZodType<DecisionRecord>;

const issueOutcomeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.enum(['ISSUED', 'REPLAYED']), creditId: z.string() }),
  z.object({ kind: z.enum(['CONFLICT', 'REFUSED']), detail: z.string() }),
]) satisfies z.ZodType<IssueOutcome>;

const decisionCheckSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('NOT_YET'),
    reason: z.enum(['BEFORE_EVALUATION', 'WATERMARK_BEHIND', 'QUARANTINE_HOLD']),
    detail: z.string(),
  }),
  z.object({ kind: z.literal('DECIDED'), decision: decisionRecordSchema, alreadyRecorded: z.boolean() }),
]) satisfies z.ZodType<DecisionCheck>;

export const recordDecisionInputSchema = z.object({
  memberId: id,
  campaignId: id,
  decision: decisionRecordSchema,
  points: z.number().int().positive(),
});
export type RecordDecisionInput = z.infer<typeof recordDecisionInputSchema>;

export const issuePointsInputSchema = z.object({
  memberId: id,
  campaignId: id,
  points: z.number().int().positive(),
});
export type IssuePointsInput = z.infer<typeof issuePointsInputSchema>;

export const recordIssuanceInputSchema = z.object({
  memberId: id,
  campaignId: id,
  reward: rewardSchema,
  outcome: z.enum(ISSUE_OUTCOMES).optional(),
  at: instant,
});
export type RecordIssuanceInput = z.infer<typeof recordIssuanceInputSchema>;

export const alertInputSchema = z.object({
  kind: z.enum(['FEED_LATE', 'QUARANTINE_HOLD', 'REWARD_STUCK', 'REWARD_NEEDS_REVIEW']),
  memberId: id,
  detail: z.string(),
});
export type AlertInput = z.infer<typeof alertInputSchema>;

/** What the member entity's `decide` operation returns. */
export const decideResultSchema = z.union([
  z.object({ ok: z.literal(true), value: decisionCheckSchema }),
  z.object({ ok: z.literal(false), code: z.string(), detail: z.string() }),
]);
export type DecideResult = z.infer<typeof decideResultSchema>;

export const ACTIVITY_CONTRACTS = {
  readWatermark: contract(ACTIVITIES.readWatermark, z.undefined(), watermarkResultSchema),
  recordDecision: contract(
    ACTIVITIES.recordDecision,
    recordDecisionInputSchema,
    z.enum(['RECORDED', 'ALREADY_DONE']),
  ),
  issuePoints: contract(ACTIVITIES.issuePoints, issuePointsInputSchema, issueOutcomeSchema),
  recordIssuance: contract(ACTIVITIES.recordIssuance, recordIssuanceInputSchema, z.string()),
  raiseAlert: contract(ACTIVITIES.raiseAlert, alertInputSchema, noResult),
};

/** The member entity operations the orchestration calls or signals (inputs: the decider's commands). */
export const MEMBER_CONTRACTS = {
  enrol: contract('enrol' satisfies MemberOperation, memberCommandInputs.enrol, noResult),
  decide: contract('decide' satisfies MemberOperation, memberCommandInputs.decide, decideResultSchema),
  releaseHolds: contract(
    'releaseHolds' satisfies MemberOperation,
    memberCommandInputs.releaseHolds,
    noResult,
  ),
  recordReward: contract(
    'recordReward' satisfies MemberOperation,
    memberCommandInputs.recordReward,
    noResult,
  ),
};

/**
 * What a member campaign instance ends with: the decision when it is not QUALIFIED, else the reward's
 * status (or REWARD_RETRY_PENDING, left to the sweep), NOT_ENROLLED when the entity refused the
 * enrolment; nothing for an execution that continued as new.
 */
export const campaignResultSchema = z
  .object({
    outcome: z.enum([...DECISION_OUTCOMES, ...REWARD_STATUSES, 'REWARD_RETRY_PENDING', 'NOT_ENROLLED']),
  })
  .optional();
export type CampaignResult = z.infer<typeof campaignResultSchema>;
/** The input as the orchestrator sees it, parsed (defaults applied). */
export type CampaignInput = z.output<typeof memberCampaignInputSchema>;

/** The member campaign orchestrator, both versions (one input; docs/versioning.md). */
export const CAMPAIGN_CONTRACTS = {
  v1: contract(MEMBER_CAMPAIGN_V1_ORCHESTRATOR, memberCampaignInputSchema, campaignResultSchema),
  v2: contract(MEMBER_CAMPAIGN_ORCHESTRATOR, memberCampaignInputSchema, campaignResultSchema),
};
