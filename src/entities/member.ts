import * as df from 'durable-functions';
import {
  MEMBER_ENTITY,
  MEMBER_OPERATIONS,
  notifyShardOf,
  OUTBOX_ENTITY,
  type MemberOperation,
} from '../durableNames';
import { EMPTY_STATE, handleMemberOperation, type MemberEntityState } from './memberOperations';
import { OUTBOX_CONTRACTS, type OutboxChange } from './outboxOperations';

/**
 * Entity `member` (key = member id): the member's running totals and campaign state. The shell only
 * adapts the durable context: it parses the input into a command, the domain's member decider decides
 * (src/domain/memberDecider.ts), and the shell sets the state and sends the effects (notifications to
 * publish, a changed projection to write to `memberStates`) to the member's outbox shard.
 */
df.app.entity<MemberEntityState>(MEMBER_ENTITY, (context) => {
  const operation = context.df.operationName as MemberOperation;
  if (!MEMBER_OPERATIONS.includes(operation)) {
    context.df.return({
      ok: false,
      code: 'MEMBER.UNKNOWN_OPERATION',
      detail: `unknown operation ${String(operation)}`,
    });
    return;
  }
  const before = context.df.getState(() => EMPTY_STATE) ?? EMPTY_STATE;
  const { state, result, effects } = handleMemberOperation(before, operation, context.df.getInput());
  if (!result.ok)
    context.warn(`member ${context.df.entityKey}: ${operation} refused: ${result.code} ${result.detail}`);
  context.df.setState(state);
  if (effects.length > 0) {
    const shard = new df.EntityId(OUTBOX_ENTITY, notifyShardOf(context.df.entityKey));
    const change: OutboxChange = { memberId: context.df.entityKey, ids: effects };
    context.df.signalEntity(shard, OUTBOX_CONTRACTS.add.name, change);
  }
  context.df.return(result);
});
