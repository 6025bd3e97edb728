import { z } from 'zod';

/** SPEC §7: the request body. Deterministic for a member, so a retry is recognised as a replay. */
export const creditRequestSchema = z.object({
  points: z.number().int().positive(),
  campaignId: z.string().min(1),
  reference: z.string().min(1),
});

export type CreditRequestBody = z.infer<typeof creditRequestSchema>;

/** A credit as the points system reports it on 201 and (the original one) on a 200 replay. */
export const creditSchema = z.object({
  creditId: z.string().min(1),
  memberId: z.string().min(1),
  points: z.number().int().positive(),
  campaignId: z.string().min(1),
  reference: z.string().min(1),
  createdAt: z.string(),
});

export type Credit = z.infer<typeof creditSchema>;

/** The body of a 4xx/5xx answer, when the points system sends one. */
export const pointsErrorBodySchema = z.object({
  code: z.string().optional(),
  message: z.string().optional(),
});

/** The header every credit carries: one key per member per campaign (SPEC §6). */
export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
export const API_KEY_HEADER = 'x-api-key';

export function idempotencyKeyOf(campaignId: string, memberId: string): string {
  return `${campaignId}:${memberId}`;
}
