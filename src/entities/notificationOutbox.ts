import * as df from 'durable-functions';
import { OUTBOX_ENTITY } from '../durableNames';
import { OUTBOX_CONTRACTS, updateOutboxIndex, type OutboxIndex } from './outboxOperations';

/**
 * Entity `notificationOutbox` (one instance per shard, key `shard-NN`, `notifyShardOf`): which members of
 * the shard have notifications to publish. Entities cannot do I/O or start orchestrations in
 * durable-functions v3, so the member entity records its notifications and signals its shard's index; the
 * functions that signal members wake the shard's `notifyDispatch` orchestration, which publishes them.
 */
df.app.entity<OutboxIndex>(OUTBOX_ENTITY, (context) => {
  const index = context.df.getState(() => ({})) ?? {};
  if (context.df.operationName === OUTBOX_CONTRACTS.get.name) {
    context.df.return(index);
    return;
  }
  context.df.setState(updateOutboxIndex(index, context.df.operationName ?? '', context.df.getInput()));
});
