import { mapBounded } from '../adapters/concurrency';
import type { Repositories } from '../adapters/ports';
import { projectMember, type MemberEntityState } from '../domain';
import { MEMBER_STATE_EFFECT_PREFIX, NOTIFY_SHARD_KEYS } from '../durableNames';
import type { DrainReport } from '../orchestrators/notifyDispatch';
import type { CampaignClient } from './campaignClient';
import type { Services } from './services';

/** Members one drain pass handles; the orchestration runs another pass while more are queued. */
export const MEMBERS_PER_PASS = 200;
const PARALLEL_MEMBERS = 8;

type Deps = {
  services: Pick<Services, 'publisher' | 'now'> & { repos: Pick<Repositories, 'memberStates'> };
  client: CampaignClient;
};

/**
 * Writes the member's `memberStates` document from the entity state just read, projected at the
 * dispatcher's time, under the entity's projection version (a stale writer never wins).
 */
export async function writeMemberState(
  deps: Pick<Deps, 'services'>,
  memberId: string,
  state: MemberEntityState,
): Promise<'WRITTEN' | 'UNCHANGED' | 'NO_LEDGER'> {
  const { ledger } = state;
  if (!ledger) return 'NO_LEDGER';
  const at = deps.services.now();
  return deps.services.repos.memberStates.put({
    memberId,
    campaignId: ledger.enrolment.campaignId,
    ...projectMember(ledger, at),
    version: state.projection?.version ?? 0,
    updatedAt: at,
  });
}

/**
 * Publishes the notifications the shard's members queued (TARGET_REACHED, REWARD_ISSUED) to topic
 * `member-progress`, in each member's outbox order, writes the member's `memberStates` document when the
 * entity queued a projection change, then acknowledges exactly those ids in the member entity and removes
 * them from the shard's index. A crash after publishing re-publishes on the next pass
 * with the same message ids, which the topic's duplicate detection drops.
 */
export async function drainShard(
  deps: Deps,
  shard: string,
  log: (line: string) => void = () => undefined,
): Promise<DrainReport> {
  const index = await deps.client.readOutbox(shard);
  const members = Object.entries(index);
  const results = await mapBounded(
    members.slice(0, MEMBERS_PER_PASS),
    PARALLEL_MEMBERS,
    async ([memberId, ids]): Promise<number> => {
      try {
        const state = await deps.client.readMember(memberId);
        const wanted = new Set(ids);
        const due = (state?.ledger?.outbox ?? []).filter((n) => wanted.has(n.id));
        await deps.services.publisher.publish(due);
        if (ids.some((id) => id.startsWith(MEMBER_STATE_EFFECT_PREFIX)) && state)
          await writeMemberState(deps, memberId, state);
        if (due.length > 0)
          await deps.client.signalMember(memberId, 'ackOutbox', { ids: due.map((n) => n.id) });
        await deps.client.signalOutbox('remove', { memberId, ids });
        return due.length;
      } catch (error) {
        // One member's failure must not hold back the others; its ids stay queued for the next pass.
        log(`NOTIFY_FAILED memberId=${memberId} ${error instanceof Error ? error.message : String(error)}`);
        return -1;
      }
    },
  );
  return {
    shard,
    members: members.length,
    published: results.reduce((sum, n) => sum + Math.max(0, n), 0),
    failed: results.filter((n) => n < 0).length,
  };
}

/** Drains every shard once (tests and the CLI's view of "publish what is queued"); returns the count published. */
export async function dispatchNotifications(deps: Deps, log?: (line: string) => void): Promise<number> {
  let published = 0;
  for (const shard of NOTIFY_SHARD_KEYS) published += (await drainShard(deps, shard, log)).published;
  return published;
}
