import { z } from 'zod';
import { localDateSchema } from './common';

/**
 * Shards of one day of enrolment. A member id is at most 64 characters (`MEMBER_ID_PATTERN`), so an entry
 * `"id":1,` is at most 70 bytes and a shard holds about 28,000 ids under the 2 MB item limit (about 60,000
 * at 30-character ids): 32 shards take at least 900,000 enrolments on one day. A day of 33,000 enrolments
 * (a million over a month) makes shards of about 1,000 ids, about 40 KB each.
 */
export const COHORT_SHARDS = 32;

/** FNV-1a of the member id, so a member always lands in the same shard (a retried enrolment adds once). */
export function cohortShardOf(memberId: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < memberId.length; i++) h = Math.imul(h ^ memberId.charCodeAt(i), 0x01000193);
  return (h >>> 0) % COHORT_SHARDS;
}

/** `cohort:{campaignId}:{day0}:{shard}`, shard in two digits (docs/contracts.md § Cosmos DB). */
export function cohortDocId(campaignId: string, day0: string, shard: number): string {
  return `cohort:${campaignId}:${day0}:${String(shard).padStart(2, '0')}`;
}

/**
 * The patch path of a member in a shard's `members` object (a JSON Pointer: `~` and `/` escaped, though
 * enrolled member ids carry neither).
 */
export function cohortMemberPath(memberId: string): string {
  return `/members/${memberId.replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

/**
 * One shard of the cohort snapshot, kept in `members` beside the enrolments: the members enrolled in
 * `cohortOf` whose local day 0 is `day0` and whose id hashes to `shard`, as the keys of `members` (an object,
 * so adding a member twice sets the same key: idempotent without reading the document). Its partition key
 * `memberId` is its id (a member id has no `:`), so each shard is alone in its partition and writes spread;
 * it has no `campaignId`, so the enrolment queries (`campaignId = @c`) never see it, and the unique key on
 * `/campaignId` (per partition) has nothing to clash with.
 */
export const cohortShardSchema = z.object({
  id: z.string().min(1),
  memberId: z.string().min(1),
  cohortOf: z.string().min(1),
  day0: localDateSchema,
  shard: z.number().int().nonnegative(),
  members: z.record(z.string(), z.literal(1)),
});

export type CohortShard = z.infer<typeof cohortShardSchema>;
