import { z } from 'zod';
import type { LocalDate } from '../../domain/calendar';
import { contradictionOf, type ContradictionReason } from '../../domain/ledger';
import { observationSchema } from '../../domain/schemas';
import { addObservation, type Observation } from '../../domain/observation';
import type { UnknownFields } from '../../domain/realtimeMessage';
import { TX_STATUSES, type TrackedType } from '../../domain/transaction';
import { capRaw, localDateSchema } from './common';

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
  /**
   * The raw record's rest (SPEC §7): the fields of the kept real-time message of each status that the
   * contract does not name, within {@link UNKNOWN_FIELDS_CAP}. No rule reads them.
   */
  unknownFields: z.partialRecord(z.enum(TX_STATUSES), z.unknown()).optional(),
});

export type LedgerRecord = z.infer<typeof ledgerRecordSchema>;

/**
 * Characters of a message's unknown fields kept (their JSON text; over it, its head marked as cut, as the
 * quarantine keeps a raw body). Smaller than the quarantine's cap: every merge of the transaction reads
 * its ledger document, where a quarantined body is read only by ops.
 */
export const UNKNOWN_FIELDS_CAP = 4_096;

/** The domain's contradiction reason (`contradictionOf` in src/domain/ledger.ts). */
export type LedgerConflictReason = ContradictionReason;

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
  unknownFields?: LedgerRecord['unknownFields'],
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
    ...(unknownFields && Object.keys(unknownFields).length > 0 ? { unknownFields } : {}),
  };
}

/**
 * Decides what merging `obs` into the stored record means. Pure, so the Cosmos and in-memory ledgers
 * agree: a record whose member or type contradicts the observation is a CONFLICT (the caller
 * quarantines); an observation already held is UNCHANGED, so redelivery never rewrites a document.
 * A real-time message's `unknownFields` are kept with its observation, and only while it is the one kept.
 */
export function planMerge(
  existing: LedgerRecord | undefined,
  obs: Observation,
  unknownFields?: UnknownFields,
): MergePlan {
  const normalised = observationSchema.parse(obs);
  if (!existing) {
    return {
      outcome: 'CREATED',
      record: ledgerRecordOf(
        normalised.memberId,
        normalised.transactionId,
        normalised.type,
        [normalised],
        withUnknownFields(undefined, normalised, unknownFields),
      ),
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
  const same = JSON.stringify(observations) === JSON.stringify(existing.observations);
  if (same) return { outcome: 'UNCHANGED', record: existing };
  // addObservation keeps either the held observation or this one, by reference
  const kept = observations.includes(normalised);
  const record = ledgerRecordOf(
    existing.memberId,
    existing.id,
    existing.type,
    observations,
    kept ? withUnknownFields(existing.unknownFields, normalised, unknownFields) : existing.unknownFields,
  );
  return { outcome: 'UPDATED', record };
}

/** The record's unknown fields with those of a newly kept real-time observation in its status's place. */
function withUnknownFields(
  held: LedgerRecord['unknownFields'],
  obs: Observation,
  unknownFields: UnknownFields | undefined,
): LedgerRecord['unknownFields'] {
  if (obs.source !== 'REALTIME') return held;
  const { [obs.status]: _replaced, ...rest } = held ?? {};
  return unknownFields ? { ...rest, [obs.status]: capRaw(unknownFields, UNKNOWN_FIELDS_CAP) } : rest;
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
  return ledgerRecordOf(existing.memberId, existing.id, existing.type, kept, existing.unknownFields);
}
