import {
  decideMember,
  EMPTY_STATE,
  MAX_BUFFERED,
  memberCommandInputs,
  parseMemberCommand,
  type MemberEntityState,
  type MemberResult,
} from '../domain';
import { memberStateEffectId, type MemberOperation } from '../durableNames';

// The member entity's glue (src/entities/member.ts and the test fake both run it): parse the operation's
// input into a command, let the domain's decider decide (src/domain/memberDecider.ts), and name the
// effects as the outbox shard knows them. No rule lives here.

export { EMPTY_STATE, MAX_BUFFERED, type MemberEntityState };
export type OperationResult = MemberResult;

/** Each operation's input schema (the decider's commands; `get` takes anything). */
export const operationInputs = memberCommandInputs;

/**
 * Applies one operation: `effects` are the ids to add to the member's outbox shard (notification ids, and
 * `memberState:v{n}` when the `memberStates` projection changed).
 */
export function handleMemberOperation(
  state: MemberEntityState,
  operation: MemberOperation,
  rawInput: unknown,
): { state: MemberEntityState; result: OperationResult; effects: string[] } {
  const decided = decideMember(state, parseMemberCommand(operation, rawInput));
  const effects = decided.effects.map((e) => (e.kind === 'NOTIFY' ? e.id : memberStateEffectId(e.version)));
  return { state: decided.state, result: decided.result, effects };
}
