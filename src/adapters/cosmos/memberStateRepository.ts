import type { Container } from '@azure/cosmos';
import { z } from 'zod';
import { MEMBER_STATES, type MemberState } from '../../domain';
import { memberCampaignId } from '../documents/common';
import { memberStateDocSchema, nextMemberStateDoc } from '../documents/memberState';
import type { MemberStateCounts, MemberStateRepository } from '../ports';
import { createDoc, readDoc, replaceDoc } from './documents';
import { ContentionError } from './errors';
import { withThrottleRetry } from './throttle';

const MAX_ROUNDS = 10;

/**
 * The funnel in one query: a SUM per state and flag over the campaign's documents. Cosmos evaluates it
 * server-side (non-VALUE aggregates cross partitions through the SDK's query plan), so the app receives
 * one row whatever the cohort; the local emulator runs the same text (it has no GROUP BY).
 */
export const COUNTS_QUERY =
  `SELECT COUNT(1) AS members, ${MEMBER_STATES.map((s) => `SUM(c.state = '${s}' ? 1 : 0) AS ${s}`).join(', ')}, ` +
  "SUM(c.atRisk ? 1 : 0) AS atRisk, SUM(c.held ? 1 : 0) AS held, SUM(c.rewardStatus = 'PENDING' ? 1 : 0) AS " +
  "rewardsPending, SUM(c.rewardStatus = 'NEEDS_REVIEW' ? 1 : 0) AS rewardsNeedsReview FROM c WHERE c.campaignId = @c";
/** The same aggregate over one day of enrolment (the funnel by day). */
export const COUNTS_ON_DAY_QUERY = `${COUNTS_QUERY} AND c.enrolledOn = @d`;

const count = z.number().int().nonnegative().optional().default(0);
const countsRow = z.object(
  Object.fromEntries(
    ['members', ...MEMBER_STATES, 'atRisk', 'held', 'rewardsPending', 'rewardsNeedsReview'].map((k) => [
      k,
      count,
    ]),
  ),
);

/** The members a feed run's watermark wakes (docs/flows.md § 4); campaignId, lastGraceDate, waitingFor indexed. */
export const WATERMARK_WAKES_QUERY =
  'SELECT c.memberId FROM c WHERE c.campaignId = @c AND c.decision = null AND c.lastGraceDate <= @w ' +
  "AND (c.waitingFor = 'WATERMARK_BEHIND' OR c.lastGraceDate > @p)";

const IDS_PER_QUERY = 100;

/** `memberStates` (id `{campaignId}:{memberId}`, partition /memberId): written under ETag concurrency. */
export function cosmosMemberStateRepository(container: Container): MemberStateRepository {
  const read = (campaignId: string, memberId: string) =>
    readDoc(container, memberCampaignId(campaignId, memberId), memberId, memberStateDocSchema);

  return {
    async put(write) {
      const id = memberCampaignId(write.campaignId, write.memberId);
      for (let round = 1; round <= MAX_ROUNDS; round++) {
        const current = await read(write.campaignId, write.memberId);
        const next = nextMemberStateDoc(current?.doc, write);
        if (!next) return 'UNCHANGED';
        const outcome = current
          ? await replaceDoc(container, write.memberId, { id, ...next }, current.etag)
          : await createDoc(container, { id, ...next });
        if (outcome === 'REPLACED' || outcome === 'CREATED') return 'WRITTEN';
      }
      throw new ContentionError(`memberStates/${id}`, MAX_ROUNDS);
    },

    async get(campaignId, memberId) {
      return (await read(campaignId, memberId))?.doc;
    },

    async *listWatermarkWakes(campaignId, watermark, previous) {
      const iterator = container.items.query<{ memberId: unknown }>(
        {
          query: WATERMARK_WAKES_QUERY,
          parameters: [
            { name: '@c', value: campaignId },
            { name: '@w', value: watermark },
            { name: '@p', value: previous ?? '' },
          ],
        },
        { maxItemCount: 1000 },
      );
      for await (const page of iterator.getAsyncIterator()) {
        const ids = page.resources.map((row) => z.string().parse(row.memberId));
        if (ids.length > 0) yield ids;
      }
    },

    async getMany(campaignId, memberIds) {
      const docs = [];
      for (let i = 0; i < memberIds.length; i += IDS_PER_QUERY) {
        const { resources } = await withThrottleRetry(() =>
          container.items
            .query<unknown>({
              query: 'SELECT * FROM c WHERE c.campaignId = @c AND ARRAY_CONTAINS(@ids, c.memberId)',
              parameters: [
                { name: '@c', value: campaignId },
                { name: '@ids', value: memberIds.slice(i, i + IDS_PER_QUERY) as string[] },
              ],
            })
            .fetchAll(),
        );
        docs.push(...resources.map((row) => memberStateDocSchema.parse(row)));
      }
      return docs;
    },

    async counts(campaignId, filter = {}): Promise<MemberStateCounts> {
      const { enrolledOn } = filter;
      const { resources } = await withThrottleRetry(() =>
        container.items
          .query<Record<string, unknown>>(
            enrolledOn === undefined
              ? { query: COUNTS_QUERY, parameters: [{ name: '@c', value: campaignId }] }
              : {
                  query: COUNTS_ON_DAY_QUERY,
                  parameters: [
                    { name: '@c', value: campaignId },
                    { name: '@d', value: enrolledOn },
                  ],
                },
          )
          .fetchAll(),
      );
      const row = countsRow.parse(resources[0] ?? {}) as Record<string, number>;
      return {
        members: row['members'] ?? 0,
        counts: Object.fromEntries(MEMBER_STATES.map((s) => [s, row[s] ?? 0])) as Record<MemberState, number>,
        atRisk: row['atRisk'] ?? 0,
        held: row['held'] ?? 0,
        rewardsPending: row['rewardsPending'] ?? 0,
        rewardsNeedsReview: row['rewardsNeedsReview'] ?? 0,
      };
    },
  };
}
