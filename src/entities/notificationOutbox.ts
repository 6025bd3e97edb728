import * as df from 'durable-functions';
import { z } from 'zod';
import { OUTBOX_ENTITY } from '../durableNames';

/** Member id → ids of notifications not yet published. */
export type OutboxIndex = Record<string, string[]>;

const change = z.object({ memberId: z.string().min(1), ids: z.array(z.string().min(1)) });

/**
 * Adds or removes notification ids. Removing only the given ids keeps a notification queued while it
 * was being published (it is published on the next pass; its message id deduplicates it).
 */
export function updateOutboxIndex(index: OutboxIndex, operation: string, input: unknown): OutboxIndex {
  const parsed = change.safeParse(input);
  if (!parsed.success) return index;
  const { memberId, ids } = parsed.data;
  const current = index[memberId] ?? [];
  const next =
    operation === 'add'
      ? [...new Set([...current, ...ids])]
      : operation === 'remove'
        ? current.filter((id) => !ids.includes(id))
        : current;
  const { [memberId]: _dropped, ...rest } = index;
  return next.length > 0 ? { ...rest, [memberId]: next } : rest;
}

/**
 * Entity `notificationOutbox` (one instance per shard, key `shard-NN`, `notifyShardOf`): which members of
 * the shard have notifications to publish. Entities cannot do I/O or start orchestrations in
 * durable-functions v3, so the member entity records its notifications and signals its shard's index; the
 * functions that signal members wake the shard's `notifyDispatch` orchestration, which publishes them.
 */
df.app.entity<OutboxIndex>(OUTBOX_ENTITY, (context) => {
  const index = context.df.getState(() => ({})) ?? {};
  if (context.df.operationName === 'get') {
    context.df.return(index);
    return;
  }
  context.df.setState(updateOutboxIndex(index, context.df.operationName ?? '', context.df.getInput()));
});
