import type { CampaignConfig } from './campaignConfig';
import type { CampaignWindow, LocalDate } from './calendar';
import type { AudCents } from './money';
import { addObservation, type Observation } from './observation';
import type { TrackedType } from './transaction';

export const CELEBRATION_KINDS = ['TARGET_REACHED', 'REWARD_ISSUED'] as const;
export type CelebrationKind = (typeof CELEBRATION_KINDS)[number];

export interface Enrolment {
  memberId: string;
  campaignId: string;
  /** UTC ISO. */
  enrolledAt: string;
  /** The campaign configuration as it was at enrolment (SPEC §1: later changes apply to later enrolments). */
  config: CampaignConfig;
  window: CampaignWindow;
}

export interface TxEntry {
  type: TrackedType;
  observations: Observation[];
}

/** A quarantined feed row of this member: it holds the final decision until corrected or released. */
export interface Hold {
  ref: string;
  businessDate: LocalDate;
  /** The feed version whose row was quarantined: a higher version of the date releases it. */
  version: number;
  reason: string;
}

/** The final decision's outcomes (SPEC §5), defined once: documents and the HTTP contract use these. */
export const DECISION_OUTCOMES = ['QUALIFIED', 'NOT_REACHED', 'DISQUALIFIED'] as const;
export type DecisionOutcome = (typeof DECISION_OUTCOMES)[number];

export interface DecisionRecord {
  outcome: DecisionOutcome;
  decidedAt: string;
  confirmedCents: AudCents;
  watermark: LocalDate;
}

/** PENDING until the points system answered for good; ISSUED is final, NEEDS_REVIEW waits for ops. */
export const REWARD_STATUSES = ['PENDING', 'ISSUED', 'NEEDS_REVIEW'] as const;
export type RewardStatus = (typeof REWARD_STATUSES)[number];

/**
 * Whether an issuance outcome may still be recorded: only a qualified member has a reward, and an issued
 * reward stays issued whatever arrives later (the points were credited; a late PENDING or NEEDS_REVIEW
 * from a stale retry is ignored). The entity's ledger and the `rewards` document both follow it.
 */
export function acceptsRewardUpdate(
  decision: DecisionOutcome | undefined,
  current: RewardStatus | undefined,
): boolean {
  return decision === 'QUALIFIED' && current !== 'ISSUED';
}

export interface RewardRecord {
  status: RewardStatus;
  points: number;
  attempts: number;
  issuedAt?: string;
  creditId?: string;
  lastError?: string;
}

export interface CelebrationState {
  /** When the member last entered the celebrated state (null: not raised, or withdrawn). */
  raisedAt: string | null;
  acknowledgedAt: string | null;
  /** Counts raisings; names each notification so a retry is deduplicated. */
  epoch: number;
}

export interface Notification {
  id: string;
  kind: CelebrationKind;
  memberId: string;
  campaignId: string;
  at: string;
}

/** Observations refused because they contradict what is known of the transaction. */
export interface Contradiction {
  transactionId: string;
  detail: string;
}

/** A member's whole campaign state: plain JSON, the durable entity's state. */
export interface MemberLedger {
  enrolment: Enrolment;
  transactions: Record<string, TxEntry>;
  /** Highest feed version applied per business date. */
  feedVersions: Record<LocalDate, number>;
  holds: Record<string, Hold>;
  contradictions: Contradiction[];
  decision: DecisionRecord | null;
  reward: RewardRecord | null;
  celebrations: Record<CelebrationKind, CelebrationState>;
  outbox: Notification[];
  /**
   * When the first operation stamped at or after `evaluationAt` was applied (absent before). From then on
   * the member is judged as after evaluation, so an operation stamped earlier that arrives late (signals
   * are not ordered) cannot take it back in time, withdraw a celebration and raise it again under a new id.
   */
  pastEvaluationAt?: string;
  /** What the last decision check after `evaluationAt` found the decision waiting for, and since when. */
  waiting?: Waiting;
}

/** A wait the projection shows, so wake-ups and the sweep find waiting members by a query (absent: none). */
export interface Waiting {
  reason: 'WATERMARK_BEHIND' | 'QUARANTINE_HOLD';
  since: string;
}

/** Contradictions kept for ops; beyond this only the count matters and the quarantine has them all. */
export const MAX_CONTRADICTIONS = 20;

export function newLedger(enrolment: Enrolment): MemberLedger {
  const idle = (): CelebrationState => ({ raisedAt: null, acknowledgedAt: null, epoch: 0 });
  return {
    enrolment,
    transactions: {},
    feedVersions: {},
    holds: {},
    contradictions: [],
    decision: null,
    reward: null,
    celebrations: { TARGET_REACHED: idle(), REWARD_ISSUED: idle() },
    outbox: [],
  };
}

/**
 * Adds observations of this member's transactions. Idempotent and commutative. An observation for another
 * member, or whose type contradicts the transaction's, is refused and recorded as a contradiction.
 */
export function addObservations(ledger: MemberLedger, observations: readonly Observation[]): MemberLedger {
  const transactions = { ...ledger.transactions };
  let contradictions = ledger.contradictions;
  for (const obs of observations) {
    if (obs.source === 'FEED' && (obs.feedVersion ?? 1) < (ledger.feedVersions[obs.knownOn] ?? 0)) continue;
    const entry = transactions[obs.transactionId];
    const clash = contradiction(ledger.enrolment.memberId, entry, obs);
    if (clash) {
      contradictions = recordContradiction(contradictions, {
        transactionId: obs.transactionId,
        detail: clash,
      });
      continue;
    }
    transactions[obs.transactionId] = {
      type: obs.type,
      observations: addObservation(entry?.observations ?? [], obs),
    };
  }
  return { ...ledger, transactions, contradictions };
}

export type ContradictionReason = 'MEMBER_MISMATCH' | 'TYPE_MISMATCH';

/**
 * How an observation contradicts what is first known of its transaction (SPEC §3: an observation whose
 * member or type differs is refused and quarantined). The one rule behind the member's ledger, the
 * `ledger` container's merge and the transaction claims; without a known `type` only the member is checked.
 */
export function contradictionOf(
  first: { memberId: string; type?: TrackedType | undefined },
  obs: Pick<Observation, 'memberId' | 'type'>,
): ContradictionReason | undefined {
  if (first.memberId !== obs.memberId) return 'MEMBER_MISMATCH';
  if (first.type !== undefined && first.type !== obs.type) return 'TYPE_MISMATCH';
  return undefined;
}

function contradiction(memberId: string, entry: TxEntry | undefined, obs: Observation): string | undefined {
  const reason = contradictionOf({ memberId, type: entry?.type }, obs);
  if (reason === 'MEMBER_MISMATCH')
    return `observation for member ${obs.memberId} sent to member ${memberId}`;
  if (reason === 'TYPE_MISMATCH') return `type ${obs.type} contradicts earlier type ${entry?.type}`;
  return undefined;
}

function recordContradiction(list: Contradiction[], item: Contradiction): Contradiction[] {
  if (list.some((c) => c.transactionId === item.transactionId && c.detail === item.detail)) return list;
  return [...list, item].slice(-MAX_CONTRADICTIONS);
}

/**
 * Applies one member's rows of a feed run for a business date (SPEC §3 corrections): a higher version
 * replaces every feed observation of that date and releases that date's holds; an equal version unions
 * (chunks of one file arrive separately); a lower version is ignored.
 */
export function applyFeedBatch(
  ledger: MemberLedger,
  batch: { businessDate: LocalDate; version: number; observations: readonly Observation[] },
): MemberLedger {
  const held = ledger.feedVersions[batch.businessDate] ?? 0;
  if (batch.version < held) return ledger;
  let next = ledger;
  if (batch.version > held) {
    next = {
      ...ledger,
      transactions: withoutFeedDate(ledger.transactions, batch.businessDate),
      feedVersions: { ...ledger.feedVersions, [batch.businessDate]: batch.version },
      holds: Object.fromEntries(
        Object.entries(ledger.holds).filter(
          ([, h]) => h.businessDate !== batch.businessDate || h.version >= batch.version,
        ),
      ),
    };
  }
  const own = batch.observations.filter((o) => o.source === 'FEED' && o.knownOn === batch.businessDate);
  return addObservations(
    next,
    own.map((o) => ({ ...o, feedVersion: batch.version })),
  );
}

function withoutFeedDate(transactions: Record<string, TxEntry>, date: LocalDate): Record<string, TxEntry> {
  const result: Record<string, TxEntry> = {};
  for (const [id, entry] of Object.entries(transactions)) {
    const observations = entry.observations.filter((o) => !(o.source === 'FEED' && o.knownOn === date));
    if (observations.length > 0) result[id] = { ...entry, observations };
  }
  return result;
}

/** Records a hold, unless a later version of its business date has already replaced the file it came from. */
export function addHold(ledger: MemberLedger, hold: Hold): MemberLedger {
  if (hold.version < (ledger.feedVersions[hold.businessDate] ?? 0)) return ledger;
  return { ...ledger, holds: { ...ledger.holds, [hold.ref]: hold } };
}

/** Ops re-drive releases every hold: they have looked at the quarantined rows. */
export function releaseHolds(ledger: MemberLedger): MemberLedger {
  return Object.keys(ledger.holds).length === 0 ? ledger : { ...ledger, holds: {} };
}
