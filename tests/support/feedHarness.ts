import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { OrchestrationContext } from 'durable-functions';
import { memoryLedgerRepository, memoryQuarantineRepository } from './memory';
import type { LedgerRepository, QuarantineRepository } from '../../src/adapters/ports';
import { FEED_HEADER } from '../../src/domain/feedRow';
import type { Observation } from '../../src/domain/observation';
import type { AudCents } from '../../src/domain/money';
import { createFeedActivities, type FeedActivities } from '../../src/feed/activities';
import type { FeedOrchestrationInput } from '../../src/feed/durable';
import type { Manifest } from '../../src/feed/manifest';
import { MemoryFeedBlobStore, MemoryFeedRunStore, RecordingSignals } from './memory/feed';
import {
  FEED_APPLY_CHUNK_ACTIVITY,
  FEED_COMPLETE_ACTIVITY,
  FEED_STOP_ACTIVITY,
  FEED_VERIFY_ACTIVITY,
} from '../../src/durableNames';
import { feedSettingsOf } from '../../src/app/services';
import { loadSettings } from '../../src/config';
import type { FeedBlobStore, FeedCohortSource, FeedDeps, FeedLog, FeedSettings } from '../../src/feed/ports';
import { feedIngestion } from '../../src/orchestrators/feedIngestion';

export const CONTAINER = 'warehouse-drops';

const SAMPLE_SETTINGS = (
  JSON.parse(readFileSync(join(__dirname, '../../local.settings.sample.json'), 'utf8')) as {
    Values: Record<string, string>;
  }
).Values;

/** The feed's settings as the composition root derives them: the sample settings with `env` over them. */
export function feedSettings(env: Record<string, string> = {}): FeedSettings {
  return feedSettingsOf(loadSettings({ ...SAMPLE_SETTINGS, ...env }));
}
export const HEADER = FEED_HEADER.join(',');

/** A log that keeps lines for assertions. */
export function memoryLog(): FeedLog & { lines: string[] } {
  const lines: string[] = [];
  const push = (...args: unknown[]): void => void lines.push(args.map(String).join(' '));
  return { lines, log: push, warn: push, error: push };
}

/** A data row with sensible defaults (a settled Apple Pay load of AUD 100 on 2026-11-25). */
export function row(fields: Partial<Record<(typeof FEED_HEADER)[number], string>> = {}): string {
  const base: Record<string, string> = {
    transaction_id: 'T-1',
    member_id: 'M-1',
    transaction_type: 'LOAD',
    method: 'APPLE_PAY',
    status: 'SETTLED',
    amount: '100.00',
    currency: 'AUD',
    aud_amount: '100.00',
    initiated_at: '2026-11-25T09:12:00+11:00',
    settled_at: '2026-11-25T09:12:01+11:00',
    business_date: '2026-11-25',
    ...fields,
  };
  return FEED_HEADER.map((k) => base[k] ?? '').join(',');
}

export function csv(rows: readonly string[], eol = '\n'): string {
  return [HEADER, ...rows].join(eol) + eol;
}

export function sha256(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export interface Drop {
  manifest: Manifest;
  bytes: Buffer;
}

/** Data bytes as the warehouse would store them plus a manifest that matches them. */
export function drop(
  text: string,
  options: { date?: string; version?: number; gzip?: boolean; rowCount?: number } = {},
): Drop {
  const date = options.date ?? '2026-11-25';
  const gzip = options.gzip ?? false;
  const bytes = gzip ? gzipSync(Buffer.from(text)) : Buffer.from(text);
  const records = text.split('\n').filter((l) => l.trim() !== '').length - 1;
  return {
    bytes,
    manifest: {
      businessDate: date,
      file: `transactions-${date}.csv${gzip ? '.gz' : ''}`,
      rowCount: options.rowCount ?? records,
      sha256: sha256(bytes),
      version: options.version ?? 1,
    },
  };
}

/** A real-time observation as the ledger would already hold it. */
export function realtime(
  transactionId: string,
  memberId: string,
  cents: number,
  knownOn = '2026-11-25',
): Observation {
  return {
    transactionId,
    memberId,
    type: 'LOAD',
    method: 'APPLE_PAY',
    status: 'SETTLED',
    amount: (cents / 100).toFixed(2),
    currency: 'AUD',
    audCents: cents as AudCents,
    initiatedAt: `${knownOn}T01:00:00.000Z`,
    settledAt: `${knownOn}T01:00:01.000Z`,
    source: 'REALTIME',
    knownOn,
  };
}

export interface Harness {
  deps: FeedDeps;
  runs: MemoryFeedRunStore;
  blobs: MemoryFeedBlobStore;
  ledger: LedgerRepository;
  quarantine: QuarantineRepository;
  signals: RecordingSignals;
  /** What each completed run asked the campaigns' wake-up to do (src/app/campaignWake.ts). */
  wakes: Parameters<NonNullable<FeedDeps['wakes']>['afterRun']>[0][];
  activities: FeedActivities;
  log: ReturnType<typeof memoryLog>;
  /** Stores a drop's data blob (not the manifest: the trigger is tested on its own). */
  put(d: Drop): void;
  /** Runs feedIngestion for a drop through the orchestrator generator, with the harness activities. */
  ingest(
    d: Drop,
    options?: { chunkRows?: number; parallelism?: number; failChunk?: (index: number) => boolean },
  ): Promise<unknown>;
}

export function harness(
  cohort: readonly string[],
  options: { feedStartDate?: string; blobStore?: FeedBlobStore; cohortSource?: FeedCohortSource } = {},
): Harness {
  const runs = new MemoryFeedRunStore();
  const blobs = new MemoryFeedBlobStore();
  const ledger = memoryLedgerRepository();
  const quarantine = memoryQuarantineRepository();
  const signals = new RecordingSignals();
  let tick = 0;
  const wakes: Harness['wakes'] = [];
  const deps: FeedDeps = {
    wakes: {
      afterRun: async (change) => {
        wakes.push({ ...change, corrected: [...change.corrected].sort() });
        return 0;
      },
    },
    runs,
    blobs: options.blobStore ?? blobs,
    ledger,
    quarantine,
    signals,
    cohort: options.cohortSource ?? {
      async *listIdsByCampaign() {
        yield [...cohort];
      },
    },
    now: () => new Date(Date.UTC(2026, 10, 26, 2, 0, tick++)).toISOString(),
  };
  const activities = createFeedActivities(deps, 'cold-member-activation');
  const log = memoryLog();
  const h: Harness = {
    deps,
    runs,
    blobs,
    ledger,
    quarantine,
    signals,
    wakes,
    activities,
    log,
    put: (d) => void blobs.put(CONTAINER, d.manifest.file, d.bytes),
    ingest: (d, o = {}) =>
      drive(
        {
          manifest: d.manifest,
          container: CONTAINER,
          stagingContainer: 'feed-staging',
          chunkRows: o.chunkRows ?? 50_000,
          parallelism: o.parallelism ?? 2,
          maxAmountCents: 100_000_000,
          feedStartDate: options.feedStartDate ?? '2026-11-25',
        },
        {
          [FEED_VERIFY_ACTIVITY]: (i) => activities.verify(i, log),
          [FEED_APPLY_CHUNK_ACTIVITY]: async (i) => {
            const index = (i as { chunk: { index: number } }).chunk.index;
            if (o.failChunk?.(index)) throw new Error(`worker crashed before chunk ${index}`);
            return activities.applyChunk(i, log);
          },
          [FEED_COMPLETE_ACTIVITY]: (i) => activities.complete(i, log),
          [FEED_STOP_ACTIVITY]: (i) => activities.stop(i, log),
        },
        log,
      ),
  };
  return h;
}

type Activity = (input: unknown) => Promise<unknown>;
type Step = { kind: 'activity'; name: string; input: unknown } | { kind: 'all'; tasks: Step[] };

/**
 * Drives the orchestrator generator the way the durable runtime does on a first execution: each
 * yielded task is executed and its result sent back. Activity errors propagate, as a failed
 * orchestration (after retries) would.
 */
export async function drive(
  input: FeedOrchestrationInput,
  activities: Record<string, Activity>,
  log: FeedLog,
): Promise<unknown> {
  let clock = Date.UTC(2026, 10, 26, 2, 0, 0);
  const context = {
    log: (...args: unknown[]) => log.log(...args),
    df: {
      getInput: () => input,
      isReplaying: false,
      get currentUtcDateTime() {
        clock += 1000;
        return new Date(clock);
      },
      setCustomStatus: () => undefined,
      callActivityWithRetry: (name: string, _retry: unknown, actInput: unknown): Step => ({
        kind: 'activity',
        name,
        input: actInput,
      }),
      callActivity: (name: string, actInput: unknown): Step => ({ kind: 'activity', name, input: actInput }),
      Task: { all: (tasks: Step[]): Step => ({ kind: 'all', tasks }) },
    },
  } as unknown as OrchestrationContext;
  const run = async (step: Step): Promise<unknown> => {
    if (step.kind === 'all') return Promise.all(step.tasks.map(run));
    const activity = activities[step.name];
    if (!activity) throw new Error(`no activity ${step.name}`);
    // Durable payloads cross a JSON boundary.
    return JSON.parse(JSON.stringify(await activity(JSON.parse(JSON.stringify(step.input)))));
  };
  const generator = feedIngestion(context) as Generator<Step, unknown, unknown>;
  let next = generator.next();
  while (!next.done) next = generator.next(await run(next.value));
  return next.value;
}
