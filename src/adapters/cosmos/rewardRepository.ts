import type { Container } from '@azure/cosmos';
import { memberCampaignId } from '../documents/common';
import { applyIssuancePatch, rewardDocSchema, type RewardDoc } from '../documents/reward';
import type { RewardRepository } from '../ports';
import { createDoc, queryAll, readDoc, replaceDoc } from './documents';
import { ContentionError } from './errors';

const MAX_ROUNDS = 20;

/** A QUALIFIED decision starts its issuance as PENDING, so the sweep can find it if the process dies. */
function initialDoc(input: RewardDoc): RewardDoc {
  const doc = rewardDocSchema.parse(input);
  if (doc.decision !== 'QUALIFIED' || doc.issuance) return doc;
  return { ...doc, issuance: { status: 'PENDING', attempts: 0, updatedAt: doc.decidedAt } };
}

/**
 * Decisions and issuance in `rewards` (id `{campaignId}:{memberId}`, unique key /campaignId): the
 * decision is written once (409 = already done); issuance changes under ETag concurrency.
 */
export function cosmosRewardRepository(container: Container): RewardRepository {
  const read = (campaignId: string, memberId: string) =>
    readDoc(container, memberCampaignId(campaignId, memberId), memberId, rewardDocSchema);

  return {
    async recordDecision(input) {
      const doc = initialDoc(input);
      const outcome = await createDoc(container, {
        id: memberCampaignId(doc.campaignId, doc.memberId),
        ...doc,
      });
      return outcome === 'CREATED' ? 'RECORDED' : 'ALREADY_DONE';
    },

    async get(campaignId, memberId) {
      return (await read(campaignId, memberId))?.doc;
    },

    async updateIssuance(campaignId, memberId, patch) {
      for (let round = 1; round <= MAX_ROUNDS; round++) {
        const current = await read(campaignId, memberId);
        if (!current) return 'NOT_FOUND';
        const next = applyIssuancePatch(current.doc, patch);
        if (!next) return 'UNCHANGED';
        const body = { id: memberCampaignId(campaignId, memberId), ...next };
        if ((await replaceDoc(container, memberId, body, current.etag)) === 'REPLACED') return 'UPDATED';
      }
      throw new ContentionError(`rewards/${memberCampaignId(campaignId, memberId)}`, MAX_ROUNDS);
    },

    listStuck: (campaignId, olderThanIso, limit = 100, after?: { decidedAt: string; memberId: string }) =>
      queryAll(
        container,
        'SELECT TOP @n * FROM c WHERE c.campaignId = @c AND c.issuance.status = "PENDING" AND c.decidedAt <= @t ' +
          'AND (c.decidedAt > @a OR (c.decidedAt = @a AND c.memberId > @m)) ORDER BY c.decidedAt, c.memberId',
        [
          { name: '@n', value: limit },
          { name: '@c', value: campaignId },
          { name: '@t', value: new Date(olderThanIso).toISOString() },
          { name: '@a', value: after ? new Date(after.decidedAt).toISOString() : '' },
          { name: '@m', value: after?.memberId ?? '' },
        ],
        rewardDocSchema,
      ),
  };
}
