import { z } from 'zod';
import type { LocalDate } from '../../domain/calendar';
import { addObservation, type Observation } from '../../domain/observation';
import type { TrackedType } from '../../domain/transaction';
import { localDateSchema } from './common';
import { observationSchema } from './observation';

/**
 * A transaction in the `ledger` container (id = transactionId, partition = memberId): its observations
 * plus summary fields that make the feed's reconciliation queries index lookups instead of scans.
 */
export const ledgerRecordSchema = z.object({
  id: z.string().min(1),
  memberId: z.string().min(1),
  type: z.enum(['LOAD', 'WITHDRAWAL']),
  observations: z.array(observationSchema),
  /** Earliest local date a real-time SETTLED observation became known. */
  realtimeSettledOn: localDateSchema.optional(),
  /** Business dates of the feed observations held (highest version of each date). */
  feedDates: z.array(localDateSchema),
  /** `realtimeSettledOn` while no feed observation exists; absent otherwise, so only those rows are indexed. */
  awaitingFeedSince: localDateSchema.optional(),
});

export type LedgerRecord = z.infer<typeof ledgerRecordSchema>;

export type LedgerConflictReason = 'TYPE_MISMATCH' | 'MEMBER_MISMATCH';

export type MergePlan =
  | { outcome: 'CREATED' | 'UPDATED'; record: LedgerRecord }
  | { outcome: 'UNCHANGED'; record: LedgerRecord }
  | { outcome: 'CONFLICT'; reason: LedgerConflictReason; existing: { memberId: string; type: TrackedType } };

/** Builds a ledger record from a canonical observation list, deriving every summary field. */
export function ledgerRecordOf(
  memberId: string,
  id: string,
  type: TrackedType,
  observations: Observation[],
): LedgerRecord {
  const realtimeSettledOn = observations
    .filter((o) => o.source === 'REALTIME' && o.status === 'SETTLED')
    .map((o) => o.knownOn)
    .sort()[0];
  const feedDates = [
    ...new Set(observations.filter((o) => o.source === 'FEED').map((o) => o.knownOn)),
  ].sort();
  const awaitingFeedSince: LocalDate | undefined = feedDates.length === 0 ? realtimeSettledOn : undefined;
  return {
    id,
    memberId,
    type,
    observations,
    ...(realtimeSettledOn === undefined ? {} : { realtimeSettledOn }),
    feedDates,
    ...(awaitingFeedSince === undefined ? {} : { awaitingFeedSince }),
  };
}

/**
 * Decides what merging `obs` into the stored record means. Pure, so the Cosmos and in-memory ledgers
 * agree: a record whose member or type contradicts the observation is a CONFLICT (the caller
 * quarantines); an observation already held is UNCHANGED, so redelivery never rewrites a document.
 */
export function planMerge(existing: LedgerRecord | undefined, obs: Observation): MergePlan {
  const normalised = observationSchema.parse(obs);
  if (!existing) {
    return {
      outcome: 'CREATED',
      record: ledgerRecordOf(normalised.memberId, normalised.transactionId, normalised.type, [normalised]),
    };
  }
  const contradiction = contradictionOf(existing, normalised);
  if (contradiction) {
    return {
      outcome: 'CONFLICT',
      reason: contradiction,
      existing: { memberId: existing.memberId, type: existing.type },
    };
  }
  const observations = addObservation(existing.observations, normalised);
  const record = ledgerRecordOf(existing.memberId, existing.id, existing.type, observations);
  const same = JSON.stringify(observations) === JSON.stringify(existing.observations);
  return same ? { outcome: 'UNCHANGED', record: existing } : { outcome: 'UPDATED', record };
}

/**
 * Removes the feed observations of `businessDate` older than `version`: a corrected file that no longer
 * lists a transaction retracts what the earlier version said about it (SPEC §3 Corrections).
 */
export function planRetraction(
  existing: LedgerRecord,
  businessDate: LocalDate,
  version: number,
): LedgerRecord | undefined {
  const kept = existing.observations.filter(
    (o) => !(o.source === 'FEED' && o.knownOn === businessDate && (o.feedVersion ?? 1) < version),
  );
  if (kept.length === existing.observations.length) return undefined;
  return ledgerRecordOf(existing.memberId, existing.id, existing.type, kept);
}

/**
 * How an observation contradicts the first sighting of its transaction (a stored record or a claim):
 * SPEC §3 quarantines an observation whose member or type differs.
 */
export function contradictionOf(
  first: { memberId: string; type: TrackedType },
  obs: Observation,
): LedgerConflictReason | undefined {
  if (first.memberId !== obs.memberId) return 'MEMBER_MISMATCH';
  if (first.type !== obs.type) return 'TYPE_MISMATCH';
  return undefined;
}
