import * as df from 'durable-functions';
import {
  MEMBER_ENTITY,
  MEMBER_OPERATIONS,
  notifyShardOf,
  OUTBOX_ENTITY,
  type MemberOperation,
} from '../durableNames';
import { outboxEffects } from './memberEffects';
import { EMPTY_STATE, handleMemberOperation, type MemberEntityState } from './memberOperations';

/**
 * Entity `member` (key = member id): the member's running totals and campaign state. The shell only
 * adapts the durable context; the rules are in handleMemberOperation and the domain.
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
  const { state, result } = handleMemberOperation(before, operation, context.df.getInput());
  if (!result.ok)
    context.warn(`member ${context.df.entityKey}: ${operation} refused: ${result.code} ${result.detail}`);
  // Effects go to the member's outbox shard: notifications to publish, and a changed projection to write
  // to `memberStates` (src/entities/memberEffects.ts).
  const { state: next, effects } = outboxEffects(before, state, context.df.getInput());
  context.df.setState(next);
  if (effects.length > 0) {
    context.df.signalEntity(new df.EntityId(OUTBOX_ENTITY, notifyShardOf(context.df.entityKey)), 'add', {
      memberId: context.df.entityKey,
      ids: effects,
    });
  }
  context.df.return(result);
});
