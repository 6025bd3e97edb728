import type { Container } from '@azure/cosmos';
import { z } from 'zod';
import type { Observation } from '../../domain/observation';
import type { UnknownFields } from '../../domain/realtimeMessage';
import { contradictionOf } from '../../domain/ledger';
import { ledgerRecordSchema, planMerge, planRetraction } from '../documents/ledger';
import { mergeManyWith } from '../mergeMany';
import type { LedgerRepository, MergeResult } from '../ports';
import { rememberedClaims } from './claims';
import { createDoc, queryAll, readDoc, replaceDoc } from './documents';
import { ContentionError } from './errors';

/** Optimistic-concurrency rounds before giving up as transient (the trigger is retried). */
const MAX_ROUNDS = 50;

/**
 * The ledger in `ledger` (id = transactionId, partition = memberId), merged with the domain's
 * `addObservation` under ETag concurrency; first sightings are claimed in `transactionClaims` so a
 * transaction id reused under another member is caught across partitions.
 */
export function cosmosLedgerRepository(ledger: Container, claims: Container): LedgerRepository {
  const read = (memberId: string, transactionId: string) =>
    readDoc(ledger, transactionId, memberId, ledgerRecordSchema);

  const claimOf = rememberedClaims(claims);

  async function merge(obs: Observation, unknownFields?: UnknownFields): Promise<MergeResult> {
    // A real-time observation is most often the first sighting of its transaction: claiming first and
    // creating the document straight away costs two requests, where reading first costs three and a 404.
    // Feed rows mostly repeat what real time saw, so they read first.
    if (obs.source === 'REALTIME') {
      const { claim, created } = await claimOf(obs);
      const reason = contradictionOf(claim, obs);
      if (reason)
        return { outcome: 'CONFLICT', reason, existing: { memberId: claim.memberId, type: claim.type } };
      if (created) {
        const plan = planMerge(undefined, obs, unknownFields);
        if (plan.outcome === 'CONFLICT') return plan;
        if ((await createDoc(ledger, plan.record)) === 'CREATED') return plan;
        // a concurrent merge of the same transaction created it first: merge into theirs below
      }
    }
    for (let round = 1; round <= MAX_ROUNDS; round++) {
      const current = await read(obs.memberId, obs.transactionId);
      if (!current) {
        const { claim } = await claimOf(obs);
        const reason = contradictionOf(claim, obs);
        if (reason)
          return { outcome: 'CONFLICT', reason, existing: { memberId: claim.memberId, type: claim.type } };
        const plan = planMerge(undefined, obs, unknownFields);
        if (plan.outcome === 'CONFLICT') return plan;
        if ((await createDoc(ledger, plan.record)) === 'CREATED') return plan;
        continue; // a concurrent merge created it first: merge into theirs
      }
      const plan = planMerge(current.doc, obs, unknownFields);
      if (plan.outcome === 'CONFLICT' || plan.outcome === 'UNCHANGED') return plan;
      if ((await replaceDoc(ledger, obs.memberId, plan.record, current.etag)) === 'REPLACED') return plan;
    }
    throw new ContentionError(`ledger/${obs.transactionId}`, MAX_ROUNDS);
  }

  return {
    merge,
    mergeMany: (observations) => mergeManyWith(merge, observations),

    async retractFeedDate(memberId, transactionId, businessDate, version) {
      for (let round = 1; round <= MAX_ROUNDS; round++) {
        const current = await read(memberId, transactionId);
        const next = current && planRetraction(current.doc, businessDate, version);
        if (!current || !next) return 'UNCHANGED';
        if ((await replaceDoc(ledger, memberId, next, current.etag)) === 'REPLACED') return 'UPDATED';
      }
      throw new ContentionError(`ledger/${transactionId}`, MAX_ROUNDS);
    },

    async get(memberId, transactionId) {
      return (await read(memberId, transactionId))?.doc;
    },

    listByMember: (memberId) =>
      queryAll(
        ledger,
        'SELECT * FROM c WHERE c.memberId = @m',
        [{ name: '@m', value: memberId }],
        ledgerRecordSchema,
        {
          partitionKey: memberId,
        },
      ),

    // Only documents still awaiting the feed carry `awaitingFeedSince`, so this reads the index, not the ledger.
    listAwaitingFeed: (date) =>
      queryAll(
        ledger,
        'SELECT c.memberId, c.id AS transactionId, c.realtimeSettledOn FROM c WHERE c.awaitingFeedSince <= @d',
        [{ name: '@d', value: date }],
        z.object({ memberId: z.string(), transactionId: z.string(), realtimeSettledOn: z.string() }),
      ),

    listByFeedDate: (businessDate) =>
      queryAll(
        ledger,
        'SELECT c.memberId, c.id AS transactionId FROM c WHERE ARRAY_CONTAINS(c.feedDates, @d)',
        [{ name: '@d', value: businessDate }],
        z.object({ memberId: z.string(), transactionId: z.string() }),
      ),
  };
}
