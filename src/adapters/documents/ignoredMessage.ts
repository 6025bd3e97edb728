import { z } from 'zod';
import { IGNORED_REASONS } from '../../domain/rawTransaction';
import { documentIdOf, localDateSchema, utcInstantSchema } from './common';

/**
 * One real-time message acknowledged without effect, in `ignoredMessages` (partition /day, the local date
 * of its enqueue time; id from its message id): the marker that makes its count idempotent. A day's count
 * of a reason is the number of its markers (docs/contracts.md, decision).
 */
export const ignoredMessageSchema = z.object({
  id: z.string().min(1),
  day: localDateSchema,
  reason: z.enum(IGNORED_REASONS),
  countedAt: utcInstantSchema,
});

export type IgnoredMessage = z.infer<typeof ignoredMessageSchema>;

/** The marker of a message: a redelivery (same message id) lands on the same document. */
export function ignoredMessageOf(input: {
  messageId: string;
  day: string;
  reason: IgnoredMessage['reason'];
  at: string;
}): IgnoredMessage {
  return ignoredMessageSchema.parse({
    id: documentIdOf(input.messageId),
    day: input.day,
    reason: input.reason,
    countedAt: input.at,
  });
}
