import type { LocalDate } from '../domain/calendar';
import type { Observation } from '../domain/observation';
import type { IgnoredReason } from '../domain/rawTransaction';
import type { UnknownFields } from '../domain/realtimeMessage';
import type { LedgerConflictReason, LedgerRecord } from './documents/ledger';
import type { DueMember, Enrolment, StoredEnrolment } from './documents/member';
import type { QuarantineInput, QuarantineItem, QuarantineSource } from './documents/quarantine';
import type { IssuancePatch, RewardDoc } from './documents/reward';
import type { MemberStateDoc, MemberStateWrite } from './documents/memberState';
import type { MemberState } from '../domain/memberState';

export type { DueMember, Enrolment, StoredEnrolment } from './documents/member';
export type { LedgerConflictReason, LedgerRecord } from './documents/ledger';
export type { QuarantineInput, QuarantineItem, QuarantineSource } from './documents/quarantine';
export type { Decision, Issuance, IssuancePatch, RewardDoc } from './documents/reward';
export type { MemberStateDoc, MemberStateWrite } from './documents/memberState';

/** Enrolments. A second enrolment of a member for a campaign returns the first (SPEC §8). */
export interface MemberRepository {
  create(
    enrolment: Enrolment,
  ): Promise<{ created: true; enrolment: StoredEnrolment } | { created: false; existing: StoredEnrolment }>;
  get(campaignId: string, memberId: string): Promise<StoredEnrolment | undefined>;
  /** The campaign's cohort, page by page (the feed filters rows by it). */
  listIdsByCampaign(campaignId: string, pageSize?: number): AsyncIterable<string[]>;
  /** At most `limit` member ids in id order, strictly after `after` (keyset paging across calls). */
  listIdsAfter(campaignId: string, limit: number, after?: string): Promise<string[]>;
  /**
   * Members past `evaluationAt` with no decision yet, ordered by (evaluationAt, memberId), at most `limit`,
   * strictly after `after` when given: the sweep pages through all of them.
   */
  listDueForEvaluation(
    campaignId: string,
    nowIso: string,
    limit?: number,
    after?: DueMember,
  ): Promise<DueMember[]>;
  /**
   * Undecided enrolments still flagged `startPending` (written, but their orchestration's start not yet
   * confirmed), in member id order, at most `limit`, strictly after `after` when given: the sweep starts
   * those whose start was lost. Normally only the enrolments being written right now.
   */
  listStartPending(campaignId: string, limit?: number, after?: string): Promise<string[]>;
  /** Clears `startPending` once the member's orchestration is known to exist. Idempotent. */
  markStarted(campaignId: string, memberId: string): Promise<void>;
  /** Idempotent: the first `decidedAt` stays. */
  markDecided(campaignId: string, memberId: string, decidedAt: string): Promise<void>;
}

/**
 * The cohort snapshot (shard documents in `members`): every member enrolled in a campaign, maintained at
 * enrolment, read by the feed without reading the enrolments.
 */
export interface CohortRepository {
  /** Every member enrolled before the call, page by page (a member may appear on two pages). */
  listIdsByCampaign(campaignId: string): AsyncIterable<string[]>;
}

export type MergeResult =
  | { outcome: 'CREATED' | 'UPDATED' | 'UNCHANGED'; record: LedgerRecord }
  | {
      outcome: 'CONFLICT';
      reason: LedgerConflictReason;
      existing: { memberId: string; type: Observation['type'] };
    };

/** One transaction the feed must flag: seen SETTLED in real time, still absent from the feed. */
export interface AwaitingFeed {
  memberId: string;
  transactionId: string;
  realtimeSettledOn: LocalDate;
}

/** Transactions, merged with the status lattice under optimistic concurrency. */
export interface LedgerRepository {
  /**
   * Merges one observation; a CONFLICT (member or type contradicts the first sighting) is not written.
   * A real-time message's unknown fields are kept in the record beside it (SPEC §7 raw record).
   */
  merge(obs: Observation, unknownFields?: UnknownFields): Promise<MergeResult>;
  /** Merges many with bounded concurrency; results in input order. */
  mergeMany(observations: readonly Observation[]): Promise<MergeResult[]>;
  /** Retracts a business date's feed observations older than `version` from one transaction. */
  retractFeedDate(
    memberId: string,
    transactionId: string,
    businessDate: LocalDate,
    version: number,
  ): Promise<'UPDATED' | 'UNCHANGED'>;
  get(memberId: string, transactionId: string): Promise<LedgerRecord | undefined>;
  listByMember(memberId: string): Promise<LedgerRecord[]>;
  /** Real-time SETTLED transactions with no feed observation, first known on or before `date`. */
  listAwaitingFeed(date: LocalDate): Promise<AwaitingFeed[]>;
  /** Transactions holding a feed observation of `businessDate` (for a corrected file). */
  listByFeedDate(businessDate: LocalDate): Promise<{ memberId: string; transactionId: string }[]>;
}

/** Final decisions and issuance. A decision is written once; a second write is "already done". */
export interface RewardRepository {
  recordDecision(doc: RewardDoc): Promise<'RECORDED' | 'ALREADY_DONE'>;
  get(campaignId: string, memberId: string): Promise<RewardDoc | undefined>;
  updateIssuance(
    campaignId: string,
    memberId: string,
    patch: IssuancePatch,
  ): Promise<'UPDATED' | 'UNCHANGED' | 'NOT_FOUND'>;
  /** QUALIFIED rewards still PENDING issuance, decided at or before `olderThanIso`, oldest first. */
  listStuck(
    campaignId: string,
    olderThanIso: string,
    limit?: number,
    after?: Pick<RewardDoc, 'decidedAt' | 'memberId'>,
  ): Promise<RewardDoc[]>;
}

export interface QuarantinePage {
  items: QuarantineItem[];
  continuation?: string;
}

/** What an ops listing of the quarantine narrows by; every filter is applied by the store, not after it. */
export interface QuarantineQuery {
  source?: QuarantineSource;
  /** An exact reason code, e.g. `TX.BAD_AUD_AMOUNT`. */
  reason?: string;
  memberId?: string;
  /** `UNRESOLVED` (the default of the HTTP listing) or `RESOLVED`; absent: both. */
  resolution?: 'UNRESOLVED' | 'RESOLVED';
  limit: number;
  continuation?: string;
}

/**
 * A listing was given a continuation it did not issue (a hand-made or corrupted token): the caller's
 * mistake, answered 400, never a server error.
 */
export class InvalidContinuationError extends Error {
  constructor(detail: string) {
    super(`invalid continuation: ${detail}`);
    this.name = 'InvalidContinuationError';
  }
}

/** Rejected messages and rows, kept for ops. */
export interface QuarantineRepository {
  put(item: QuarantineInput): Promise<'CREATED' | 'ALREADY_DONE'>;
  /** Throws `InvalidContinuationError` for a continuation this store did not issue. */
  list(query: QuarantineQuery): Promise<QuarantinePage>;
  /** Unresolved FEED rows of a business date (every version), for a correction to resolve. */
  listUnresolvedFeedRows(businessDate: string): Promise<QuarantineItem[]>;
  /** Items recorded for one member (any source), newest first, at most `limit`. */
  listByMember(memberId: string, limit: number): Promise<QuarantineItem[]>;
  resolve(
    id: string,
    resolution: string,
    resolvedAt: string,
  ): Promise<'RESOLVED' | 'ALREADY_DONE' | 'NOT_FOUND'>;
}

/** One real-time message acknowledged without effect, to be counted. */
export interface IgnoredMessageInput {
  /** The broker's message id: a redelivery carries the same one. */
  messageId: string;
  /** The local date of its enqueue time (campaign time zone). */
  day: LocalDate;
  reason: IgnoredReason;
  at: string;
}

/** Real-time messages acknowledged without effect, counted per local day and reason (SPEC §3, §7). */
export interface IgnoredMessageCounter {
  /** Counts a message once, however often it is delivered: a message id already counted is not counted again. */
  count(message: IgnoredMessageInput): Promise<'COUNTED' | 'ALREADY_COUNTED'>;
  /** The counts of one day by reason, every reason present (zero when none). */
  countsOn(day: LocalDate): Promise<Record<IgnoredReason, number>>;
}

/** The funnel: one aggregate over `memberStates`. */
export interface MemberStateCounts {
  members: number;
  counts: Record<MemberState, number>;
  atRisk: number;
  held: number;
  rewardsPending: number;
  rewardsNeedsReview: number;
}

/** The `memberStates` projection: one document per member. */
export interface MemberStateRepository {
  /** Writes unless the stored document has a higher version or shows the same (`nextMemberStateDoc`). */
  put(write: MemberStateWrite): Promise<'WRITTEN' | 'UNCHANGED'>;
  get(campaignId: string, memberId: string): Promise<MemberStateDoc | undefined>;
  /**
   * Counts per state and flag, in one aggregate query (reads no document into the app); with `enrolledOn`,
   * of the members enrolled on that local day only.
   */
  counts(campaignId: string, filter?: { enrolledOn?: LocalDate }): Promise<MemberStateCounts>;
  /**
   * The members a watermark `watermark` wakes, page by page: undecided, last grace date on or before it,
   * and either shown waiting for the watermark or with a last grace date after `previous` (the watermark
   * before the run), so a member whose wait is not projected yet is woken too.
   */
  listWatermarkWakes(campaignId: string, watermark: string, previous: string | null): AsyncIterable<string[]>;
  /** The documents of these members (those without one are left out), in one query per 100 members. */
  getMany(campaignId: string, memberIds: readonly string[]): Promise<MemberStateDoc[]>;
}

/** Everything the shells need, built once per process. */
export interface Repositories {
  members: MemberRepository;
  cohort: CohortRepository;
  ledger: LedgerRepository;
  rewards: RewardRepository;
  quarantine: QuarantineRepository;
  ignored: IgnoredMessageCounter;
  memberStates: MemberStateRepository;
}
