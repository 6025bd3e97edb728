import { markProjection } from '../domain';
import { memberStateEffectId } from '../durableNames';
import type { MemberEntityState } from './memberOperations';

/**
 * What the member entity sends its outbox shard after an operation (pure; the entity shell and the test
 * fake both use it): the ids of notifications it newly queued, and `memberState:v{version}` when what the
 * `memberStates` projection shows changed. The returned state carries the projection mark.
 */
export function outboxEffects(
  before: MemberEntityState,
  after: MemberEntityState,
  input: unknown,
): { state: MemberEntityState; effects: string[] } {
  const known = new Set((before.ledger?.outbox ?? []).map((n) => n.id));
  const queued = (after.ledger?.outbox ?? []).map((n) => n.id).filter((id) => !known.has(id));
  if (!after.ledger) return { state: after, effects: queued };
  const { mark, changed } = markProjection(before.projection, after.ledger, observedAt(input));
  return {
    state: { ...after, projection: mark },
    effects: changed ? [...queued, memberStateEffectId(mark.version)] : queued,
  };
}

/** The time an operation carries (`now` of a decision check, `at` of the others), if any. */
function observedAt(input: unknown): string | undefined {
  if (!input || typeof input !== 'object') return undefined;
  const { now, at } = input as { now?: unknown; at?: unknown };
  const value = typeof now === 'string' ? now : at;
  return typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? value : undefined;
}
