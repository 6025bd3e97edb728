import { createHash } from 'node:crypto';
import { z } from 'zod';
import { utcInstantSchema } from './common';

export const QUARANTINE_SOURCES = ['REALTIME', 'FEED'] as const;
export type QuarantineSource = (typeof QUARANTINE_SOURCES)[number];

/** A rejected message or feed row in the `quarantine` container (partition /source). */
export const quarantineItemSchema = z.object({
  id: z.string().min(1),
  source: z.enum(QUARANTINE_SOURCES),
  /** Stable reason code, e.g. `TX.BAD_AMOUNT`, `LEDGER.TYPE_MISMATCH` (all: `src/domain/reasonCodes.ts`). */
  reason: z.string().min(1),
  detail: z.string(),
  memberId: z.string().optional(),
  transactionId: z.string().optional(),
  businessDate: z.string().optional(),
  line: z.number().int().positive().optional(),
  /** The item as received (message body or CSV line), for ops. */
  raw: z.unknown(),
  receivedAt: utcInstantSchema,
  resolvedAt: utcInstantSchema.optional(),
  resolution: z.string().optional(),
});

export type QuarantineItem = z.infer<typeof quarantineItemSchema>;

/** What a caller supplies: `key` identifies the source item (message id, `date:vN:line`), never a clock. */
export type QuarantineInput = Omit<QuarantineItem, 'id' | 'resolvedAt' | 'resolution'> & { key: string };

/**
 * The deterministic id of a quarantined item, so a redelivered message or re-run file lands on the same
 * document. Cosmos ids may not contain `/ \ ? #`; encoding keeps distinct keys distinct, and very long
 * keys are hashed to stay under the 255-character limit.
 */
export function quarantineId(source: QuarantineSource, key: string): string {
  const encoded = encodeURIComponent(key);
  const body = encoded.length <= 200 ? encoded : `sha256-${createHash('sha256').update(key).digest('hex')}`;
  return `${source}:${body}`;
}

/** The partition of a quarantine id (its prefix). */
export function quarantineSourceOf(id: string): QuarantineSource | undefined {
  const prefix = id.slice(0, id.indexOf(':'));
  return QUARANTINE_SOURCES.find((s) => s === prefix);
}
