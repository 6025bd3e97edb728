import type { z } from 'zod';
import type { memberCommandInputs } from '../domain/memberDecider';
import type { IgnoredReason } from '../domain/rawTransaction';

import type { FeedRunStatus } from '../domain/feedRuns';
import type { ChunkPlan, DataRef } from './durable';

/** A run's lifecycle (defined in the domain). DUPLICATE drops create no run: they are counted on the completed one. */
export type { ChunkPlan, DataRef, FeedRunStatus };

/** Stable codes of a rejected or stopped run (docs/feed.md, failure cases). */
export type FeedRunReasonCode =
  | 'MANIFEST.JSON'
  | 'MANIFEST.SCHEMA'
  | 'MANIFEST.NAME'
  | 'DATA_FILE_MISSING'
  | 'CHECKSUM_MISMATCH'
  | 'TRUNCATED'
  | 'GZIP_CORRUPT'
  | 'HEADER_MISMATCH'
  | 'ROW_COUNT_MISMATCH'
  | 'VERSION_CONFLICT'
  | 'DATA_CHANGED'
  | 'SUPERSEDED';

export interface FeedRunReason {
  code: FeedRunReasonCode;
  detail: string;
}

export interface ChunkTally {
  rowsRead: number;
  campaignRows: number;
  applied: number;
  /** The same transaction and status twice within the chunk (applied once). */
  duplicateRows: number;
  ignored: Record<IgnoredReason, number>;
  rejected: number;
}

export interface RejectedLine {
  line: number;
  code: string;
  detail: string;
}

/** Feed wins; the real-time amount is kept for the report. */
export interface AmountMismatch {
  transactionId: string;
  memberId: string;
  realtimeAudCents: number;
  feedAudCents: number;
}

/** Written after a chunk's effects: a checkpointed chunk is never applied again by its run. */
export interface ChunkCheckpoint {
  id: string;
  runId: string;
  businessDate: string;
  version: number;
  index: number;
  /** The byte range it covered: a checkpoint only counts for a plan with the same range. */
  offset: number;
  end: number;
  tally: ChunkTally;
  /** Capped at {@link REPORT_LIST_LIMIT}; the quarantine holds all of them. */
  rejected: RejectedLine[];
  /** `transactionId|status` of each applied observation: the report de-duplicates across chunks. */
  appliedKeys: string[];
  /** The subset of `appliedKeys` that met a real-time record in the ledger. */
  matchedKeys: string[];
  mismatches: AmountMismatch[];
  /** Members signalled with observations, and members put on hold (a corrected file signals both). */
  members: string[];
  heldMembers: string[];
  completedAt: string;
}

export interface ReconciliationReport {
  rowsRead: number;
  campaignRows: number;
  applied: number;
  duplicateRows: number;
  ignored: Record<IgnoredReason, number>;
  rejected: { count: number; lines: RejectedLine[] };
  matchedRealtime: number;
  feedOnly: number;
  amountMismatches: { count: number; items: AmountMismatch[] };
  /** Real-time SETTLED, absent from every feed known on or before `since`. */
  missingFromFeed: {
    since: string;
    count: number;
    items: { transactionId: string; memberId: string; realtimeSettledOn: string }[];
  };
  /** Members of lower versions signalled with an empty batch by this (corrected) run. */
  retractedMembers: number;
}

export interface FeedRun {
  id: string;
  businessDate: string;
  version: number;
  sha256: string;
  file: string;
  rowCount: number;
  status: FeedRunStatus;
  reason?: FeedRunReason;
  plan?: { data: DataRef; chunks: ChunkPlan[] };
  report?: ReconciliationReport;
  duplicateDrops: number;
  createdAt: string;
  updatedAt: string;
}

/** Where a run sits in the ops listing: newest business date first, then the highest version, then id. */
export interface FeedRunKey {
  businessDate: string;
  version: number;
  id: string;
}

export function newestFirst(a: FeedRunKey, b: FeedRunKey): number {
  if (a.businessDate !== b.businessDate) return a.businessDate < b.businessDate ? 1 : -1;
  if (a.version !== b.version) return b.version - a.version;
  return a.id === b.id ? 0 : a.id < b.id ? 1 : -1;
}

/** Up to `limit` of `keys` in {@link newestFirst} order, strictly after `after` (keyset paging). */
export function pageNewestFirst<K extends FeedRunKey>(keys: K[], limit: number, after?: FeedRunKey): K[] {
  const ordered = [...keys].sort(newestFirst);
  const rest = after ? ordered.filter((k) => newestFirst(k, after) > 0) : ordered;
  return rest.slice(0, limit);
}

/** The member operation `applyFeedBatch`'s input: the member decider's command (src/domain/memberDecider.ts). */
export type FeedBatch = z.infer<typeof memberCommandInputs.applyFeedBatch>;

/** The input of `hold` (the decider's command): `ref` is the quarantine id of the member's first bad row in the chunk. */
export type FeedHold = z.infer<typeof memberCommandInputs.hold>;

/** Lists stored in run documents stay bounded whatever the file holds. */
export const REPORT_LIST_LIMIT = 1000;

export function emptyTally(): ChunkTally {
  return {
    rowsRead: 0,
    campaignRows: 0,
    applied: 0,
    duplicateRows: 0,
    ignored: { NON_CAMPAIGN_MEMBER: 0, NON_QUALIFYING_TYPE: 0, UNKNOWN_METHOD: 0 },
    rejected: 0,
  };
}
