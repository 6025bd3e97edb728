import { z } from 'zod';
import { localDateOf } from './calendar';
import { classifyTransaction, type Classified, type TxRejectCode } from './rawTransaction';
import { fail, ok, type Result } from './result';

/**
 * SPEC §7 real-time message: every field a string and required except `settledAt`. Unknown extra fields
 * are allowed and ignored by every rule; {@link parseRealtimeMessage} hands them back for the raw record.
 */
export const realtimeMessageSchema = z.object({
  transactionId: z.string(),
  memberId: z.string(),
  type: z.string(),
  method: z.string(),
  status: z.string(),
  amount: z.string(),
  currency: z.string(),
  audAmount: z.string(),
  initiatedAt: z.string(),
  settledAt: z.string().optional(),
});

export type MessageRejectCode = TxRejectCode | 'MESSAGE.NOT_JSON' | 'MESSAGE.SCHEMA' | 'MESSAGE.ID_MISMATCH';

export interface MessageContext {
  /** The broker's enqueue time: its local date is when the observation became known (SPEC §2). */
  enqueuedTimeUtc: string;
  /** The broker's message id, expected to be `transactionId:status`; absent locally when not supplied. */
  messageId?: string;
  timeZone: string;
  maxAmountCents: number;
}

/** Fields of a message the contract does not name, as received (SPEC §7: kept in the raw record, ignored). */
export type UnknownFields = Record<string, unknown>;

/** A classified message, with its unknown fields when it has any. */
export type ParsedMessage = Classified & { unknownFields?: UnknownFields };

const KNOWN_FIELDS = new Set(Object.keys(realtimeMessageSchema.shape));

/**
 * Parses a message body (already-decoded JSON, or JSON text) into a classified observation or a stable
 * reject code. Unknown fields never reach the observation, so they cannot change the money or the decision.
 */
export function parseRealtimeMessage(
  body: unknown,
  ctx: MessageContext,
): Result<ParsedMessage, MessageRejectCode> {
  let value = body;
  if (typeof body === 'string') {
    try {
      value = JSON.parse(body);
    } catch {
      return fail('MESSAGE.NOT_JSON', 'message body is not JSON');
    }
  }
  const parsed = realtimeMessageSchema.safeParse(value);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');
    return fail('MESSAGE.SCHEMA', detail);
  }
  const message = parsed.data;
  if (ctx.messageId !== undefined && ctx.messageId !== `${message.transactionId}:${message.status}`) {
    return fail(
      'MESSAGE.ID_MISMATCH',
      `messageId "${ctx.messageId}" is not "${message.transactionId}:${message.status}"`,
    );
  }
  const classified = classifyTransaction(message, {
    source: 'REALTIME',
    knownOn: localDateOf(ctx.enqueuedTimeUtc, ctx.timeZone),
    maxAmountCents: ctx.maxAmountCents,
  });
  if (!classified.ok) return classified;
  const unknown = Object.entries(value as object).filter(([key]) => !KNOWN_FIELDS.has(key));
  return unknown.length === 0
    ? classified
    : ok({ ...classified.value, unknownFields: Object.fromEntries(unknown) });
}
