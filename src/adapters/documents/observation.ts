import { z } from 'zod';
import { asCents } from '../../domain/money';
import type { Observation } from '../../domain/observation';
import { TX_STATUSES } from '../../domain/transaction';
import { localDateSchema, utcInstantSchema } from './common';

/**
 * An observation as stored in a ledger document. Parsing normalises instants and fixes the key order, so
 * two equal observations serialise identically.
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
