import * as df from 'durable-functions';
import {
  MEMBER_ENTITY,
  MEMBER_OPERATIONS,
  notifyShardOf,
  OUTBOX_ENTITY,
  type MemberOperation,
} from '../durableNames';
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
  context.df.setState(state);
  const queued = newNotificationIds(before, state);
  if (queued.length > 0) {
    context.df.signalEntity(new df.EntityId(OUTBOX_ENTITY, notifyShardOf(context.df.entityKey)), 'add', {
      memberId: context.df.entityKey,
      ids: queued,
    });
  }
  context.df.return(result);
});

function newNotificationIds(before: MemberEntityState, after: MemberEntityState): string[] {
  const known = new Set((before.ledger?.outbox ?? []).map((n) => n.id));
  return (after.ledger?.outbox ?? []).map((n) => n.id).filter((id) => !known.has(id));
}
