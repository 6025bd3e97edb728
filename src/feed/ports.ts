import type { CohortRepository, LedgerRepository, QuarantineRepository } from '../adapters/ports';
import type { ChunkCheckpoint, DataRef, FeedBatch, FeedHold, FeedRun, FeedRunKey } from './runs';

/** Feed runs, chunk checkpoints and the watermark (Cosmos container `feedRuns`, partition /businessDate). */
export interface FeedRunStore {
  getRun(businessDate: string, runId: string): Promise<FeedRun | undefined>;
  listRuns(businessDate: string): Promise<FeedRun[]>;
  /** Up to `limit` runs in `newestFirst` order, strictly after `after` when given (keyset paging). */
  listRunsNewestFirst(limit: number, after?: FeedRunKey): Promise<FeedRun[]>;
  /** Upsert by id. */
  saveRun(run: FeedRun): Promise<void>;
  /** Upsert by id. */
  saveChunk(checkpoint: ChunkCheckpoint): Promise<void>;
  getChunk(businessDate: string, checkpointId: string): Promise<ChunkCheckpoint | undefined>;
  listChunks(businessDate: string, runId: string): Promise<ChunkCheckpoint[]>;
  /** Dates >= `fromDate` having a COMPLETED run, ascending, without duplicates. */
  listCompletedDates(fromDate: string): Promise<string[]>;
  readWatermark(): Promise<string | null>;
  /** Stores max(current, date) atomically and returns the stored value: the watermark never goes back. */
  raiseWatermark(date: string): Promise<string>;
}

export type BlobRead =
  { kind: 'FOUND'; etag: string; size: number; stream: AsyncIterable<Buffer> } | { kind: 'MISSING' };
export type RangeRead = { kind: 'OK'; stream: AsyncIterable<Buffer> } | { kind: 'CHANGED' };

/** Where decompressed bytes of a `.csv.gz` are staged so chunks can read byte ranges. */
export interface StagingSink {
  write(bytes: Buffer): Promise<void>;
  /** Completes the upload and returns what chunks must read. */
  commit(): Promise<DataRef>;
  /** Ends the upload without keeping it. */
  abort(): Promise<void>;
}

/** Streaming access to blobs; nothing here buffers a whole file. */
export interface FeedBlobStore {
  readText(container: string, blob: string): Promise<string | undefined>;
  open(container: string, blob: string): Promise<BlobRead>;
  /** Bytes [start, end) of exactly the version `ref.etag` names. */
  readRange(ref: DataRef, start: number, end: number): Promise<RangeRead>;
  stage(container: string, blob: string): StagingSink;
}

/** One signal per member per chunk; entity operations are idempotent (docs/feed.md). */
export interface MemberSignals {
  applyFeedBatch(memberId: string, batch: FeedBatch): Promise<void>;
  hold(memberId: string, hold: FeedHold): Promise<void>;
}

export type FeedCohortSource = Pick<CohortRepository, 'listIdsByCampaign'>;
export type FeedLedger = Pick<
  LedgerRepository,
  'mergeMany' | 'retractFeedDate' | 'listAwaitingFeed' | 'listByFeedDate'
>;
export type FeedQuarantine = Pick<QuarantineRepository, 'put' | 'listUnresolvedFeedRows' | 'resolve'>;

/** Matches `InvocationContext`'s log methods, so activities pass their context straight in. */
export interface FeedLog {
  log(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

/** The feed's settings (docs/contracts.md), parsed with the rest in `src/config.ts`. */
export interface FeedSettings {
  container: string;
  stagingContainer: string;
  chunkRows: number;
  parallelism: number;
  campaignId: string;
  feedStartDate: string;
  maxAmountCents: number;
}

/**
 * Wakes the member campaigns a completed run concerns (src/app/campaignWake.ts): its watermark and the
 * members a correction touched. Failures are logged, never fail the run (the sweep is the safety net).
 */
export interface CampaignWakes {
  afterRun(change: {
    previousWatermark: string | null;
    watermark: string | null;
    corrected: readonly string[];
  }): Promise<number>;
}

/** Everything the feed activities need, built once per process and injected. */
export interface FeedDeps {
  runs: FeedRunStore;
  blobs: FeedBlobStore;
  cohort: FeedCohortSource;
  ledger: FeedLedger;
  quarantine: FeedQuarantine;
  signals: MemberSignals;
  /** Absent where no campaign waits (the feed's own tests): nothing is woken. */
  wakes?: CampaignWakes;
  /** Wall clock of the activity (activities are not replayed). */
  now: () => string;
}
