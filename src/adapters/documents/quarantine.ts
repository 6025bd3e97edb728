import { z } from 'zod';
import { capRaw, capText, documentIdOf, utcInstantSchema } from './common';

export const QUARANTINE_SOURCES = ['REALTIME', 'FEED'] as const;
export type QuarantineSource = (typeof QUARANTINE_SOURCES)[number];

/** A rejected message or feed row in the `quarantine` container (partition /source). */
export const quarantineItemSchema = z.object({
  id: z.string().min(1),
  source: z.enum(QUARANTINE_SOURCES),
  /** Stable reason code, e.g. `TX.BAD_AMOUNT`, `LEDGER.TYPE_MISMATCH` (all: `src/reasonCodes.ts`). */
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
 * Every stored field has a cap, so a hostile or broken message (a 10,000-character id, a 256 KB body)
 * cannot bloat the quarantine or the ops page that lists it ({@link capText}, {@link capRaw}).
 */
export const QUARANTINE_CAPS = {
  reason: 64,
  detail: 1_000,
  memberId: 64,
  transactionId: 128,
  businessDate: 10,
  resolution: 500,
  /** Characters of the raw body (its JSON text when it is not a string). */
  raw: 32_768,
} as const;

/** The item with each stored field within {@link QUARANTINE_CAPS}. */
export function cappedQuarantineItem<T extends Partial<QuarantineItem>>(item: T): T {
  const out: Record<string, unknown> = { ...item };
  for (const field of [
    'reason',
    'detail',
    'memberId',
    'transactionId',
    'businessDate',
    'resolution',
  ] as const) {
    const value = item[field];
    if (typeof value === 'string') out[field] = capText(value, QUARANTINE_CAPS[field]);
  }
  if ('raw' in item) out['raw'] = capRaw(item.raw, QUARANTINE_CAPS.raw);
  return out as T;
}

/** The deterministic id of a quarantined item ({@link documentIdOf}), prefixed by its partition. */
export function quarantineId(source: QuarantineSource, key: string): string {
  return `${source}:${documentIdOf(key)}`;
}

/** The partition of a quarantine id (its prefix). */
export function quarantineSourceOf(id: string): QuarantineSource | undefined {
  const prefix = id.slice(0, id.indexOf(':'));
  return QUARANTINE_SOURCES.find((s) => s === prefix);
}
