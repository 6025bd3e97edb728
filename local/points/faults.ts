import { z } from 'zod';

const fields = {
  /** Answer 500/503/429 without committing. */
  errorRate: z.number().min(0).max(1),
  errorStatuses: z.array(z.union([z.literal(429), z.literal(500), z.literal(502), z.literal(503)])).min(1),
  /** Delay before handling each credit request. */
  latencyMs: z.number().int().min(0).max(600_000),
  /** Commit the credit, then never answer in time: the client's timeout must not double-issue. */
  commitThenTimeoutRate: z.number().min(0).max(1),
  /** `hang`: hold the response for `hangMs`; `destroy`: reset the connection; `mixed`: either. */
  commitThenTimeoutMode: z.enum(['hang', 'destroy', 'mixed']),
  hangMs: z.number().int().min(0).max(600_000),
};

/** Switchable faults (SPEC §7). Rates are probabilities per credit request, drawn independently. */
export const faultsSchema = z.object({
  errorRate: fields.errorRate.default(0),
  errorStatuses: fields.errorStatuses.default([500, 503, 429]),
  latencyMs: fields.latencyMs.default(0),
  commitThenTimeoutRate: fields.commitThenTimeoutRate.default(0),
  commitThenTimeoutMode: fields.commitThenTimeoutMode.default('hang'),
  hangMs: fields.hangMs.default(60_000),
});

/** A change to some faults; the others keep their current values. */
export const faultsPatchSchema = z.object(fields).partial();
export type FaultsPatch = z.infer<typeof faultsPatchSchema>;

export type Faults = z.output<typeof faultsSchema>;
export type FaultsInput = z.input<typeof faultsSchema>;

export const NO_FAULTS: Faults = faultsSchema.parse({});

export type FaultDecision =
  | { kind: 'NONE' }
  | { kind: 'ERROR'; status: number }
  | { kind: 'COMMIT_THEN_HANG'; ms: number }
  | { kind: 'COMMIT_THEN_DESTROY' };

/** Draws this request's fault: an error first (nothing committed), else maybe commit-then-timeout. */
export function drawFault(faults: Faults, random: () => number): FaultDecision {
  if (random() < faults.errorRate) {
    const status = faults.errorStatuses[Math.floor(random() * faults.errorStatuses.length)] ?? 500;
    return { kind: 'ERROR', status };
  }
  if (random() < faults.commitThenTimeoutRate) {
    const destroy =
      faults.commitThenTimeoutMode === 'destroy' ||
      (faults.commitThenTimeoutMode === 'mixed' && random() < 0.5);
    return destroy ? { kind: 'COMMIT_THEN_DESTROY' } : { kind: 'COMMIT_THEN_HANG', ms: faults.hangMs };
  }
  return { kind: 'NONE' };
}

/** A small seeded generator (mulberry32), so a faulty run can be reproduced from its seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
