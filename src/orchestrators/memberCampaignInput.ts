import { z } from 'zod';
import { enrolmentSchema } from '../domain';

const instant = z.iso.datetime({ offset: true });

/** The orchestrator's input: everything it needs, so replayed code never reads configuration. */
export const memberCampaignInputSchema = z.object({
  /** The enrolment snapshot: the instance enrols the entity itself, so a lost enrol signal cannot strand it. */
  enrolment: enrolmentSchema,
  memberId: z.string().min(1),
  campaignId: z.string().min(1),
  evaluationAt: instant,
  lastGraceDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  rewardPoints: z.number().int().positive(),
  /** Ops are alerted when the watermark is still behind this long after evaluationAt. */
  feedLateAlertAfterMs: z.number().int().nonnegative(),
  /** How often a waiting v1 instance re-reads the watermark (v2 waits for a `recheck` event instead). */
  watermarkRecheckMs: z.number().int().positive(),
  /** Carried across continueAsNew so an alert is raised once. */
  alerted: z.boolean().default(false),
  /** v2: what the instance was waiting for, and since when, carried across continueAsNew. */
  waiting: z.object({ reason: z.string(), since: instant }).optional(),
});

/**
 * The payload of the `recheck` event that wakes a waiting v2 instance (who raised it, when). A re-drive
 * asks the instance to release the member's holds itself before it decides, so the release reaches the
 * entity before the decision check whatever order the entity's other messages arrive in.
 */
export const recheckEventSchema = z.object({
  by: z.enum(['WATERMARK', 'CORRECTION', 'REDRIVE', 'SWEEP']),
  at: instant,
  releaseHolds: z.boolean().optional(),
});
export type RecheckEvent = z.infer<typeof recheckEventSchema>;

export type MemberCampaignInput = z.input<typeof memberCampaignInputSchema>;

/** Custom status shown in the Durable Functions Monitor. */
export type CampaignPhase =
  | 'WAITING_FOR_WINDOW'
  | 'WAITING_FOR_SETTLEMENT'
  | 'HELD_FOR_REVIEW'
  | 'ISSUING_POINTS'
  | 'REWARD_RETRY_PENDING'
  | 'DECIDED'
  | 'COMPLETE'
  | 'NEEDS_REVIEW'
  | 'NOT_ENROLLED';

// The payloads of the activities and entity operations it calls: src/orchestrators/memberCampaignContracts.ts.
