import type { Container, PatchOperation } from '@azure/cosmos';
import { z } from 'zod';
import { mapBounded } from '../concurrency';
import { memberCampaignId } from '../documents/common';
import { cohortDocId, cohortMemberPath, cohortShardOf, type CohortShard } from '../documents/cohort';
import type { CohortRepository } from '../ports';
import { createDoc, queryAll } from './documents';
import { ContentionError, isNotFound } from './errors';
import { withThrottleRetry } from './throttle';

/** Adds members to the cohort snapshot (shard documents in `members`, docs/contracts.md). */
export interface CohortWriter {
  /** Adds `memberId` to its shard of `day0`; idempotent (the member is a key of the shard's `members`). */
  add(campaignId: string, day0: string, memberId: string): Promise<void>;
}

const MAX_ROUNDS = 5;

/**
 * One patch (`set /members/{memberId}`) per enrolment, no read: a set of an existing key changes nothing, so
 * a retried or replayed enrolment adds the member once. The first member of a shard creates it; two
 * first members racing meet a 409 and the loser patches.
 */
export function cosmosCohortWriter(container: Container): CohortWriter {
  return {
    async add(campaignId, day0, memberId) {
      const shard = cohortShardOf(memberId);
      const id = cohortDocId(campaignId, day0, shard);
      const set: PatchOperation[] = [{ op: 'set', path: cohortMemberPath(memberId), value: 1 }];
      for (let round = 1; round <= MAX_ROUNDS; round++) {
        try {
          await withThrottleRetry(() => container.item(id, id).patch(set));
          return;
        } catch (error) {
          if (!isNotFound(error)) throw error;
        }
        const doc: CohortShard = {
          id,
          memberId: id,
          cohortOf: campaignId,
          day0,
          shard,
          members: { [memberId]: 1 },
        };
        if ((await createDoc(container, doc)) === 'CREATED') return;
      }
      throw new ContentionError(`members/${id}`, MAX_ROUNDS);
    },
  };
}

/**
 * Ends an enrolment's two-step write: adds the member to the snapshot, then clears the enrolment's
 * `cohortPending` flag. Idempotent; run by the enrolment itself, by its retry, and by a cohort read that
 * finds the flag still set (a crash between the two writes).
 */
export async function completeCohortEntry(
  members: Container,
  writer: CohortWriter,
  entry: { campaignId: string; memberId: string; day0: string },
): Promise<void> {
  await writer.add(entry.campaignId, entry.day0, entry.memberId);
  const clear: PatchOperation[] = [{ op: 'set', path: '/cohortPending', value: false }];
  await withThrottleRetry(() =>
    members.item(memberCampaignId(entry.campaignId, entry.memberId), entry.memberId).patch(clear),
  );
}

const pendingRow = z.object({ memberId: z.string(), day0: z.string() });
const shardRow = z.object({ members: z.record(z.string(), z.unknown()) });
const REPAIR_CONCURRENCY = 8;

/**
 * The feed's cohort without reading the enrolments: every shard of the campaign's snapshot (one document
 * per shard and day of enrolment, not one per member), plus the enrolments still flagged `cohortPending`
 * (written, but their snapshot add not confirmed; normally none, found through the index on the flag),
 * which it then completes. The flagged enrolments are read first: an enrolment written before this read
 * either still carries the flag then, or cleared it after its snapshot add, which the shard read that
 * follows sees. So every member enrolled before the call is listed, as the query over enrolments did.
 */
export function cosmosCohortRepository(
  members: Container,
  writer: CohortWriter = cosmosCohortWriter(members),
): CohortRepository {
  return {
    async *listIdsByCampaign(campaignId) {
      const pending = await queryAll(
        members,
        'SELECT c.memberId, c.window.day0 FROM c WHERE c.campaignId = @c AND c.cohortPending = true',
        [{ name: '@c', value: campaignId }],
        pendingRow,
      );
      if (pending.length > 0) yield pending.map((p) => p.memberId);
      const shards = members.items.query<unknown>(
        {
          query: 'SELECT c.members FROM c WHERE c.cohortOf = @c',
          parameters: [{ name: '@c', value: campaignId }],
        },
        { maxItemCount: 8 },
      );
      for await (const page of shards.getAsyncIterator()) {
        for (const row of page.resources) {
          const ids = Object.keys(shardRow.parse(row).members);
          if (ids.length > 0) yield ids;
        }
      }
      // A failed repair leaves the flag set, so the next read lists the member and tries again; the
      // listing is complete either way, and must not fail a feed run over a snapshot write.
      await mapBounded(pending, REPAIR_CONCURRENCY, (p) =>
        completeCohortEntry(members, writer, { campaignId, memberId: p.memberId, day0: p.day0 }).catch(
          () => undefined,
        ),
      );
    },
  };
}
