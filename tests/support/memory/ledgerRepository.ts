import type { Observation } from '../../../src/domain/observation';
import type { UnknownFields } from '../../../src/domain/realtimeMessage';
import type { TransactionClaim } from '../../../src/adapters/documents/claim';
import { contradictionOf } from '../../../src/domain/ledger';
import { planMerge, planRetraction, type LedgerRecord } from '../../../src/adapters/documents/ledger';
import { mergeManyWith } from '../../../src/adapters/mergeMany';
import type { LedgerRepository, MergeResult } from '../../../src/adapters/ports';

/** In-memory `LedgerRepository`: the same pure merge plan as Cosmos, with claims across members. */
export function memoryLedgerRepository(): LedgerRepository {
  const records = new Map<string, LedgerRecord>();
  const claims = new Map<string, TransactionClaim>();
  const keyOf = (memberId: string, transactionId: string) => `${memberId}|${transactionId}`;

  async function merge(obs: Observation, unknownFields?: UnknownFields): Promise<MergeResult> {
    const key = keyOf(obs.memberId, obs.transactionId);
    const current = records.get(key);
    if (!current) {
      const claim = claims.get(obs.transactionId) ?? {
        id: obs.transactionId,
        memberId: obs.memberId,
        type: obs.type,
      };
      claims.set(obs.transactionId, claim);
      const reason = contradictionOf(claim, obs);
      if (reason)
        return { outcome: 'CONFLICT', reason, existing: { memberId: claim.memberId, type: claim.type } };
    }
    const plan = planMerge(current, obs, unknownFields);
    if (plan.outcome === 'CREATED' || plan.outcome === 'UPDATED') records.set(key, plan.record);
    return plan;
  }

  return {
    merge,
    mergeMany: (observations) => mergeManyWith(merge, observations),
    async retractFeedDate(memberId, transactionId, businessDate, version) {
      const key = keyOf(memberId, transactionId);
      const current = records.get(key);
      const next = current && planRetraction(current, businessDate, version);
      if (!next) return 'UNCHANGED';
      records.set(key, next);
      return 'UPDATED';
    },
    async get(memberId, transactionId) {
      return records.get(keyOf(memberId, transactionId));
    },
    async listByMember(memberId) {
      return [...records.values()].filter((r) => r.memberId === memberId);
    },
    async listAwaitingFeed(date) {
      return [...records.values()]
        .filter((r) => r.awaitingFeedSince !== undefined && r.awaitingFeedSince <= date)
        .map((r) => ({
          memberId: r.memberId,
          transactionId: r.id,
          realtimeSettledOn: r.awaitingFeedSince ?? date,
        }));
    },
    async listByFeedDate(businessDate) {
      return [...records.values()]
        .filter((r) => r.feedDates.includes(businessDate))
        .map((r) => ({ memberId: r.memberId, transactionId: r.id }));
    },
  };
}
