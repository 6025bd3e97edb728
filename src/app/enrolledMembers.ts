import { BoundedMemory } from '../adapters/boundedMemory';
import type { MemberRepository } from '../adapters/ports';

/**
 * Whether a member is enrolled in a campaign, remembering the answers that were yes.
 *
 * Every real-time message asks this before it touches the ledger, and almost every answer is yes.
 * Enrolments are append-only (there is no un-enrolment: `MemberRepository` has no delete), so a yes can
 * never become wrong and is kept; a no is asked again every time, since the member may enrol at any
 * moment. The memory is per repository (per process in Azure) and bounded: past `limit` answers the
 * oldest answers are forgotten and simply asked again.
 */
export async function isEnrolled(
  members: MemberRepository,
  campaignId: string,
  memberId: string,
  /** Taken when the repository is first seen. */
  limit = MAX_REMEMBERED,
): Promise<boolean> {
  let known = remembered.get(members);
  const key = `${campaignId}\u0000${memberId}`;
  if (known?.get(key)) return true;
  if (!(await members.get(campaignId, memberId))) return false;
  if (!known) remembered.set(members, (known = new BoundedMemory(limit)));
  known.remember(key, true);
  return true;
}

export const MAX_REMEMBERED = 500_000;

const remembered = new WeakMap<MemberRepository, BoundedMemory<true>>();
