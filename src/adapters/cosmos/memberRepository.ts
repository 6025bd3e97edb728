import type { Container } from '@azure/cosmos';
import { z } from 'zod';
import { memberCampaignId } from '../documents/common';
import { parseStoredEnrolment, type DueMember, type StoredEnrolment } from '../documents/member';
import type { MemberRepository } from '../ports';
import { createDoc, queryAll, readDoc, replaceDoc } from './documents';
import { ContentionError } from './errors';

const storedSchema = z.unknown().transform(parseStoredEnrolment);
const dueSchema = z.object({ memberId: z.string(), evaluationAt: z.string() });

/** Enrolments in `members`. Creation is idempotent through the deterministic id and the unique key. */
export function cosmosMemberRepository(container: Container): MemberRepository {
  const read = (campaignId: string, memberId: string) =>
    readDoc(container, memberCampaignId(campaignId, memberId), memberId, storedSchema);

  return {
    async create(input) {
      const enrolment = parseStoredEnrolment(input);
      const id = memberCampaignId(enrolment.campaignId, enrolment.memberId);
      if ((await createDoc(container, { id, ...enrolment })) === 'CREATED')
        return { created: true, enrolment };
      const existing = await read(enrolment.campaignId, enrolment.memberId);
      // A 409 without a readable document would be a unique-key clash under another id: not ours to hide.
      if (!existing) throw new Error(`members/${id}: conflict on create but no document to read`);
      return { created: false, existing: existing.doc };
    },

    async get(campaignId, memberId) {
      return (await read(campaignId, memberId))?.doc;
    },

    async *listIdsByCampaign(campaignId, pageSize = 1000) {
      const iterator = container.items.query<{ memberId: unknown }>(
        {
          query: 'SELECT c.memberId FROM c WHERE c.campaignId = @c',
          parameters: [{ name: '@c', value: campaignId }],
        },
        { maxItemCount: pageSize },
      );
      for await (const page of iterator.getAsyncIterator()) {
        const ids = page.resources.map((row) => z.string().parse(row.memberId));
        if (ids.length > 0) yield ids;
      }
    },

    listIdsAfter: async (campaignId, limit, after) =>
      (
        await queryAll(
          container,
          'SELECT TOP @n c.memberId FROM c WHERE c.campaignId = @c AND c.memberId > @a ORDER BY c.memberId',
          [
            { name: '@n', value: limit },
            { name: '@c', value: campaignId },
            { name: '@a', value: after ?? '' },
          ],
          z.object({ memberId: z.string() }),
        )
      ).map((row) => row.memberId),

    listDueForEvaluation: (campaignId, nowIso, limit = 100, after?: DueMember): Promise<DueMember[]> =>
      queryAll(
        container,
        'SELECT TOP @n c.memberId, c.window.evaluationAt FROM c WHERE c.campaignId = @c ' +
          'AND c.window.evaluationAt <= @now AND NOT IS_DEFINED(c.decidedAt) ' +
          'AND (c.window.evaluationAt > @a OR (c.window.evaluationAt = @a AND c.memberId > @m)) ' +
          'ORDER BY c.window.evaluationAt, c.memberId',
        [
          { name: '@n', value: limit },
          { name: '@c', value: campaignId },
          { name: '@now', value: new Date(nowIso).toISOString() },
          { name: '@a', value: after ? new Date(after.evaluationAt).toISOString() : '' },
          { name: '@m', value: after?.memberId ?? '' },
        ],
        dueSchema,
      ),

    async markDecided(campaignId, memberId, decidedAt) {
      const id = memberCampaignId(campaignId, memberId);
      for (let attempt = 1; attempt <= 10; attempt++) {
        const current = await read(campaignId, memberId);
        if (!current || current.doc.decidedAt) return;
        const next: StoredEnrolment = { ...current.doc, decidedAt: new Date(decidedAt).toISOString() };
        if ((await replaceDoc(container, memberId, { id, ...next }, current.etag)) === 'REPLACED') return;
      }
      throw new ContentionError(`members/${id}`, 10);
    },
  };
}
