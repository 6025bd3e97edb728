import type { AudCents } from './money';
import type { LocalDate } from './calendar';
import { statusRank, type TrackedType, type TxStatus } from './transaction';

export type ObservationSource = 'REALTIME' | 'FEED';

/**
 * One sighting of a transaction's status, from the real-time stream or a feed file. Plain JSON so it can
 * live in entity state and Cosmos documents.
 */
export interface Observation {
  transactionId: string;
  memberId: string;
  type: TrackedType;
  method: string;
  status: TxStatus;
  /** As transacted, in the currency's own minor units; informational. */
  amount: string;
  currency: string;
  /** AUD equivalent booked by the card platform. */
  audCents: AudCents;
  /** UTC ISO instants. */
  initiatedAt: string;
  settledAt?: string;
  source: ObservationSource;
  /** The local date on which it became known: a feed row's business date, or the enqueue date. */
  knownOn: LocalDate;
  /** FEED only: the manifest version of its business date. */
  feedVersion?: number;
}

/**
 * Observations that describe the same event collapse to one: real-time ones by status (the platform's
 * `messageId` is `transactionId:status`), feed ones by business date and status.
 */
export function observationKey(obs: Observation): string {
  return obs.source === 'REALTIME' ? `R|${obs.status}` : `F|${obs.knownOn}|${obs.status}`;
}

/** A total order on observations' content, so choosing between same-key duplicates is order-independent. */
function canonical(obs: Observation): string {
  return JSON.stringify([
    obs.transactionId,
    obs.memberId,
    obs.type,
    obs.method,
    obs.status,
    obs.amount,
    obs.currency,
    obs.audCents,
    obs.initiatedAt,
    obs.settledAt ?? '',
    obs.source,
    obs.knownOn,
    obs.feedVersion ?? 0,
  ]);
}

/** Of two observations with the same key, the one to keep: the earliest known, then the higher feed version, then by content. */
function preferred(a: Observation, b: Observation): Observation {
  if (a.knownOn !== b.knownOn) return a.knownOn < b.knownOn ? a : b;
  if ((a.feedVersion ?? 0) !== (b.feedVersion ?? 0))
    return (a.feedVersion ?? 0) > (b.feedVersion ?? 0) ? a : b;
  return canonical(a) <= canonical(b) ? a : b;
}

const BODY_FIELDS = ['type', 'method', 'amount', 'currency', 'audCents', 'initiatedAt', 'settledAt'] as const;

/**
 * How a real-time observation's body differs from the one already held for the same transaction and
 * status (the platform's messageId is `transactionId:status`, so the two claim to be one message);
 * undefined when they agree. The ledger keeps the earlier-known one ({@link addObservation}).
 */
export function bodyConflict(held: readonly Observation[], obs: Observation): string | undefined {
  if (obs.source !== 'REALTIME') return undefined;
  const first = held.find(
    (o) => o.source === 'REALTIME' && o.status === obs.status && o.transactionId === obs.transactionId,
  );
  if (!first) return undefined;
  const kept = preferred(first, obs);
  const other = kept === first ? obs : first;
  const diffs = BODY_FIELDS.filter((f) => first[f] !== obs[f]).map(
    (f) => `${f} ${JSON.stringify(kept[f])} kept, ${JSON.stringify(other[f])} not applied`,
  );
  return diffs.length === 0
    ? undefined
    : `transaction ${obs.transactionId} ${obs.status} arrived twice with different bodies: ${diffs.join('; ')}`;
}

/**
 * Adds an observation to a transaction's list. Idempotent and commutative: any order and any duplication
 * of the same observations gives the same list, sorted canonically. For a business date, only the feed
 * observations of its highest version are kept (a corrected file replaces the date: SPEC §3).
 */
export function addObservation(list: readonly Observation[], obs: Observation): Observation[] {
  if (obs.source === 'FEED') {
    const held = heldVersion(list, obs.knownOn);
    if ((obs.feedVersion ?? 1) < held) return [...list];
    if ((obs.feedVersion ?? 1) > held)
      list = list.filter((o) => !(o.source === 'FEED' && o.knownOn === obs.knownOn));
  }
  const key = observationKey(obs);
  const existing = list.find((o) => observationKey(o) === key);
  const kept = existing ? preferred(existing, obs) : obs;
  const rest = list.filter((o) => observationKey(o) !== key);
  return [...rest, kept].sort(byCanonicalOrder);
}

/** The feed version a list holds for a business date (0 when it holds none). */
function heldVersion(list: readonly Observation[], businessDate: LocalDate): number {
  let held = 0;
  for (const o of list)
    if (o.source === 'FEED' && o.knownOn === businessDate) held = Math.max(held, o.feedVersion ?? 1);
  return held;
}

function byCanonicalOrder(a: Observation, b: Observation): number {
  const ka = observationKey(a);
  const kb = observationKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/**
 * SPEC §3: the highest status wins; at equal status a feed observation beats a real-time one, and a later
 * business date beats an earlier one. The winner supplies every field.
 */
export function winner(observations: readonly Observation[]): Observation | undefined {
  let best: Observation | undefined;
  for (const obs of observations) if (!best || beats(obs, best)) best = obs;
  return best;
}

function beats(a: Observation, b: Observation): boolean {
  const byStatus = statusRank(a.status) - statusRank(b.status);
  if (byStatus !== 0) return byStatus > 0;
  if (a.source !== b.source) return a.source === 'FEED';
  if (a.knownOn !== b.knownOn) return a.source === 'FEED' ? a.knownOn > b.knownOn : a.knownOn < b.knownOn;
  return canonical(a) > canonical(b);
}

/** The local date on which a transaction first reached `status` in any source, if it did. */
export function firstKnownOn(observations: readonly Observation[], status: TxStatus): LocalDate | undefined {
  let first: LocalDate | undefined;
  for (const obs of observations)
    if (obs.status === status && (!first || obs.knownOn < first)) first = obs.knownOn;
  return first;
}
