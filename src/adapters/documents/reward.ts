import { z } from 'zod';
import { utcInstantSchema } from './common';

export const DECISIONS = ['QUALIFIED', 'NOT_REACHED', 'DISQUALIFIED'] as const;
export type Decision = (typeof DECISIONS)[number];

/** PENDING until the points system answered for good; ISSUED is final, NEEDS_REVIEW waits for ops. */
export const ISSUANCE_STATUSES = ['PENDING', 'ISSUED', 'NEEDS_REVIEW'] as const;
export type IssuanceStatus = (typeof ISSUANCE_STATUSES)[number];

export const issuanceSchema = z.object({
  status: z.enum(ISSUANCE_STATUSES),
  attempts: z.number().int().nonnegative(),
  updatedAt: utcInstantSchema,
  /** The points system's answer that settled it: ISSUED, REPLAYED, CONFLICT or REFUSED. */
  outcome: z.enum(['ISSUED', 'REPLAYED', 'CONFLICT', 'REFUSED']).optional(),
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
  decision: z.enum(DECISIONS),
  decidedAt: utcInstantSchema,
  points: z.number().int().positive().optional(),
  /** Evidence behind the decision (totals as of the last grace date), for ops. */
  evidence: z.record(z.string(), z.unknown()).optional(),
  issuance: issuanceSchema.optional(),
});

export type RewardDoc = z.infer<typeof rewardDocSchema>;

export type IssuancePatch = Partial<Omit<Issuance, 'updatedAt'>> & { updatedAt: string };

/**
 * Applies an issuance patch unless it would undo a finished issuance: ISSUED is final (the points were
 * credited), so a late PENDING or NEEDS_REVIEW from a stale retry is ignored. Returns undefined when
 * nothing changes.
 */
export function applyIssuancePatch(doc: RewardDoc, patch: IssuancePatch): RewardDoc | undefined {
  if (doc.decision !== 'QUALIFIED') return undefined;
  const current = doc.issuance;
  if (current?.status === 'ISSUED') return undefined;
  const next = issuanceSchema.parse({ status: 'PENDING', attempts: 0, ...current, ...patch });
  return { ...doc, issuance: next };
}
