import type { Container, PatchOperation } from '@azure/cosmos';
import { z } from 'zod';
import { memberCampaignId } from '../documents/common';
import { parseStoredEnrolment, type DueMember, type StoredEnrolment } from '../documents/member';
import type { MemberRepository } from '../ports';
import { completeCohortEntry, type CohortWriter } from './cohortSnapshot';
import { createDoc, queryAll, readDoc, replaceDoc } from './documents';
import { ContentionError, isNotFound } from './errors';
import { withThrottleRetry } from './throttle';

/**
 * The enrolment and its flags, each kept only while true: `cohortPending` until the member is in the
 * cohort snapshot, `startPending` until its orchestration's start is confirmed.
 */
const flagsSchema = z.object({ cohortPending: z.boolean().optional(), startPending: z.boolean().optional() });
const storedSchema = z.unknown().transform((value) => {
  const flags = flagsSchema.parse(value);
  return {
    enrolment: parseStoredEnrolment(value),
    cohortPending: flags.cohortPending === true,
    startPending: flags.startPending === true,
  };
});
const dueSchema = z.object({ memberId: z.string(), evaluationAt: z.string() });
const idSchema = z.object({ memberId: z.string() });

/**
 * Enrolments in `members`. Creation is idempotent through the deterministic id and the unique key. It
 * writes the enrolment with `cohortPending: true` and `startPending: true`, adds the member to the cohort
 * snapshot (its shard document, cohortSnapshot.ts), then clears `cohortPending`: a crash in between leaves
 * it, which the enrolment's retry and every cohort read complete, so no enrolled member is missing from
 * the feed's cohort. `startPending` is cleared by `markStarted` once the enrolment has started the
 * member's orchestration; the sweep starts the enrolments still flagged.
 */
export function cosmosMemberRepository(container: Container, writer: CohortWriter): MemberRepository {
  const read = (campaignId: string, memberId: string) =>
    readDoc(container, memberCampaignId(campaignId, memberId), memberId, storedSchema);
  const complete = (enrolment: StoredEnrolment) =>
    completeCohortEntry(container, writer, { ...enrolment, day0: enrolment.window.day0 });

  return {
    async create(input) {
      const enrolment = parseStoredEnrolment(input);
      const id = memberCampaignId(enrolment.campaignId, enrolment.memberId);
      if (
        (await createDoc(container, { id, ...enrolment, cohortPending: true, startPending: true })) ===
        'CREATED'
      ) {
        // The enrolment stands without its snapshot entry: a failed add leaves the flag, which keeps the
        // member in every cohort read until one completes it, so it does not fail the enrolment.
        await complete(enrolment).catch(() => undefined);
        return { created: true, enrolment };
      }
      const existing = await read(enrolment.campaignId, enrolment.memberId);
      // A 409 without a readable document would be a unique-key clash under another id: not ours to hide.
      if (!existing) throw new Error(`members/${id}: conflict on create but no document to read`);
      if (existing.doc.cohortPending) await complete(existing.doc.enrolment).catch(() => undefined);
      return { created: false, existing: existing.doc.enrolment };
    },

    async get(campaignId, memberId) {
      return (await read(campaignId, memberId))?.doc.enrolment;
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

    listStartPending: (campaignId, limit = 100, after) =>
      queryAll(
        container,
        'SELECT TOP @n c.memberId FROM c WHERE c.campaignId = @c AND c.startPending = true ' +
          'AND NOT IS_DEFINED(c.decidedAt) AND c.memberId > @m ORDER BY c.memberId',
        [
          { name: '@n', value: limit },
          { name: '@c', value: campaignId },
          { name: '@m', value: after ?? '' },
        ],
        idSchema,
      ).then((rows) => rows.map((row) => row.memberId)),

    async markStarted(campaignId, memberId) {
      const clear: PatchOperation[] = [{ op: 'set', path: '/startPending', value: false }];
      try {
        await withThrottleRetry(() =>
          container.item(memberCampaignId(campaignId, memberId), memberId).patch(clear),
        );
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    },

    async markDecided(campaignId, memberId, decidedAt) {
      const id = memberCampaignId(campaignId, memberId);
      for (let attempt = 1; attempt <= 10; attempt++) {
        const current = await read(campaignId, memberId);
        if (!current || current.doc.enrolment.decidedAt) return;
        const { enrolment, cohortPending, startPending } = current.doc;
        const next: StoredEnrolment = { ...enrolment, decidedAt: new Date(decidedAt).toISOString() };
        // The flags stay: the decision does not complete the enrolment.
        const body = {
          id,
          ...next,
          ...(cohortPending ? { cohortPending } : {}),
          ...(startPending ? { startPending } : {}),
        };
        if ((await replaceDoc(container, memberId, body, current.etag)) === 'REPLACED') return;
      }
      throw new ContentionError(`members/${id}`, 10);
    },
  };
}
