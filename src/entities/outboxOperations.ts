import { z } from 'zod';
import { contract, noResult } from '../orchestrators/durableCalls';

/** Member id → ids of notifications not yet published. */
export const outboxIndexSchema = z.record(z.string(), z.array(z.string()));
export type OutboxIndex = z.infer<typeof outboxIndexSchema>;

/** The ids of one member's notifications to add to, or remove from, its shard's index. */
export const outboxChangeSchema = z.object({ memberId: z.string().min(1), ids: z.array(z.string().min(1)) });
export type OutboxChange = z.infer<typeof outboxChangeSchema>;

/**
 * The operations of entity `notificationOutbox` (issue 10.2): name, input schema, output schema. `add` is
 * signalled by the member entity when it records notifications, `remove` by the drain once they are
 * published; `get` is how a client reads a shard (it reads the state, which is the same index).
 */
export const OUTBOX_CONTRACTS = {
  add: contract('add', outboxChangeSchema, noResult),
  remove: contract('remove', outboxChangeSchema, noResult),
  get: contract('get', z.undefined(), outboxIndexSchema),
};
export type OutboxChangeOperation = 'add' | 'remove';
const isChange = (operation: string): operation is OutboxChangeOperation =>
  operation === 'add' || operation === 'remove';

/**
 * Adds or removes notification ids. Removing only the given ids keeps a notification queued while it
 * was being published (it is published on the next pass; its message id deduplicates it). An unknown
 * operation or an input its contract refuses leaves the index as it is (a signal has no caller to answer).
 */
export function updateOutboxIndex(index: OutboxIndex, operation: string, input: unknown): OutboxIndex {
  if (!isChange(operation)) return index;
  const parsed = OUTBOX_CONTRACTS[operation].input.safeParse(input);
  if (!parsed.success) return index;
  const { memberId, ids } = parsed.data;
  const current = index[memberId] ?? [];
  const next =
    operation === 'add' ? [...new Set([...current, ...ids])] : current.filter((id) => !ids.includes(id));
  const { [memberId]: _dropped, ...rest } = index;
  return next.length > 0 ? { ...rest, [memberId]: next } : rest;
}
