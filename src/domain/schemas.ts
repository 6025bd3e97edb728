import { z } from 'zod';
import { campaignConfigSchema } from './campaignConfig';
import type { Enrolment } from './ledger';
import { asCents } from './money';
import type { Observation } from './observation';
import { TX_STATUSES } from './transaction';

/**
 * zod schemas of the domain's values as they cross a boundary: durable inputs of the member entity and
 * orchestrator, and the stored documents (src/adapters/documents builds its documents from these).
 */

/** A UTC instant as `Date#toISOString` writes it, so stored instants compare correctly as strings. */
export const utcInstantSchema = z.iso
  .datetime({ offset: true })
  .transform((text) => new Date(text).toISOString());

/** A local calendar date, YYYY-MM-DD. */
export const localDateSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');

/**
 * An observation as held by the member and stored in a ledger document. Parsing normalises instants and
 * fixes the key order, so two equal observations serialise identically.
 */
export const observationSchema = z
  .object({
    transactionId: z.string().min(1),
    memberId: z.string().min(1),
    type: z.enum(['LOAD', 'WITHDRAWAL']),
    method: z.string().min(1),
    status: z.enum(TX_STATUSES),
    amount: z.string().min(1),
    currency: z.string().length(3),
    audCents: z.number().int().nonnegative().transform(asCents),
    initiatedAt: utcInstantSchema,
    settledAt: utcInstantSchema.optional(),
    source: z.enum(['REALTIME', 'FEED']),
    knownOn: localDateSchema,
    feedVersion: z.number().int().positive().optional(),
  })
  .transform((obs): Observation => {
    const { settledAt, feedVersion, ...rest } = obs;
    return {
      ...rest,
      ...(settledAt === undefined ? {} : { settledAt }),
      ...(feedVersion === undefined ? {} : { feedVersion }),
    };
  });

/** An `Enrolment` (configuration snapshot and window, fixed at enrolment). */
export const enrolmentSchema = z.object({
  memberId: z.string().min(1),
  campaignId: z.string().min(1),
  enrolledAt: utcInstantSchema,
  config: campaignConfigSchema,
  window: z.object({
    enrolledAt: utcInstantSchema,
    day0: localDateSchema,
    windowClosesAt: utcInstantSchema,
    lastGraceDate: localDateSchema,
    evaluationAt: utcInstantSchema,
  }),
}) satisfies z.ZodType<Enrolment>;
