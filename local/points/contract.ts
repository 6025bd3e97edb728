import { z } from 'zod';

// The points system's contract (SPEC §7), the stand-in's own copy: it is an external system's contract,
// not the app's code, so the stand-in does not import the app's client (src/adapters/points/contract.ts).
// tests/unit/points.contractCopies.unit.test.ts keeps the two copies equal.

/** SPEC §7: the body of `POST /members/{memberId}/credits`. */
export const creditRequestSchema = z.object({
  points: z.number().int().positive(),
  campaignId: z.string().min(1),
  reference: z.string().min(1),
});

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
