import { z } from 'zod';
import { ISSUE_OUTCOMES } from '../../domain/issuance';
import {
  acceptsRewardUpdate,
  DECISION_OUTCOMES,
  REWARD_STATUSES,
  type DecisionOutcome,
} from '../../domain/ledger';
import { utcInstantSchema } from './common';

export type Decision = DecisionOutcome;

export const issuanceSchema = z.object({
  status: z.enum(REWARD_STATUSES),
  attempts: z.number().int().nonnegative(),
  updatedAt: utcInstantSchema,
  /** The points system's answer that settled it: ISSUED, REPLAYED, CONFLICT or REFUSED. */
  outcome: z.enum(ISSUE_OUTCOMES).optional(),
  creditId: z.string().optional(),
  refusalCode: z.string().optional(),
  lastError: z.string().max(2000).optional(),
});

export type Issuance = z.infer<typeof issuanceSchema>;

/**
 * A final decision in the `rewards` container (id `{campaignId}:{memberId}`, partition /memberId, unique
 * key /campaignId). Written once; only `issuance` changes afterwards.
 */
export const rewardDocSchema = z.object({
  memberId: z.string().min(1),
  campaignId: z.string().min(1),
  decision: z.enum(DECISION_OUTCOMES),
  decidedAt: utcInstantSchema,
  points: z.number().int().positive().optional(),
  /** Evidence behind the decision (totals as of the last grace date), for ops. */
  evidence: z.record(z.string(), z.unknown()).optional(),
  issuance: issuanceSchema.optional(),
});

export type RewardDoc = z.infer<typeof rewardDocSchema>;

export type IssuancePatch = Partial<Omit<Issuance, 'updatedAt'>> & { updatedAt: string };

/**
 * Applies an issuance patch unless the domain's rule refuses it (`acceptsRewardUpdate`: only a qualified
 * decision has an issuance, and ISSUED is final). Returns undefined when nothing changes.
 */
export function applyIssuancePatch(doc: RewardDoc, patch: IssuancePatch): RewardDoc | undefined {
  const current = doc.issuance;
  if (!acceptsRewardUpdate(doc.decision, current?.status)) return undefined;
  const next = issuanceSchema.parse({ status: 'PENDING', attempts: 0, ...current, ...patch });
  return { ...doc, issuance: next };
}
