import type { FeedOrchestrationInput } from './durable';
import { feedInstanceId, manifestDateOf, parseManifest } from './manifest';
import { createHash } from 'node:crypto';
import type { FeedLog, FeedRunStore, FeedSettings } from './ports';
import type { FeedRun } from './runs';
import { alertRejected } from './verifyRun';

/** What the trigger needs from the durable client; `statusOf` is undefined for an unknown instance. */
export interface OrchestrationStarter {
  statusOf(instanceId: string): Promise<string | undefined>;
  /** Starts `feedIngestion` (FEED_ORCHESTRATION) under this id. */
  start(instanceId: string, input: FeedOrchestrationInput): Promise<void>;
}

export type TriggerOutcome =
  | { kind: 'IGNORED'; blob: string }
  | { kind: 'INVALID_MANIFEST'; blob: string; code: string; detail: string }
  | { kind: 'ALREADY_RUNNING' | 'STARTED'; instanceId: string };

/** Where a manifest that cannot be read is recorded, so ops see a REJECTED run (not nothing). */
export interface RejectedManifests {
  runs: Pick<FeedRunStore, 'saveRun'>;
  now: () => string;
}

/**
 * The run of a manifest that cannot be read: REJECTED with the manifest's code, under an id of its
 * bytes (a re-drop of the same bad manifest lands on the same run; a fixed one starts its own). Its
 * version is the manifest's when it can be read, else 1; REJECTED runs never hold a date.
 */
export function rejectedManifestRun(
  blobName: string,
  businessDate: string,
  text: string,
  parsed: { code: 'MANIFEST.JSON' | 'MANIFEST.SCHEMA' | 'MANIFEST.NAME'; detail: string },
  at: string,
): FeedRun {
  const sha256 = createHash('sha256').update(text).digest('hex');
  let version = 1;
  try {
    const v = (JSON.parse(text) as { version?: unknown }).version;
    if (typeof v === 'number' && Number.isInteger(v) && v > 0) version = v;
  } catch {
    // not JSON: version 1
  }
  return {
    id: `${businessDate}:manifest:${sha256.slice(0, 12)}`,
    businessDate,
    version,
    sha256,
    file: blobName,
    rowCount: 0,
    status: 'REJECTED',
    reason: { code: parsed.code, detail: parsed.detail.slice(0, 1000) },
    duplicateDrops: 0,
    createdAt: at,
    updatedAt: at,
  };
}

const ACTIVE = new Set(['Pending', 'Running', 'ContinuedAsNew']);

/**
 * Reacts to one blob of the drop container: only a manifest starts anything (the data file is read by
 * the verify activity as a stream, never through the trigger). The instance id is deterministic, so a
 * trigger fired twice for the same manifest finds the instance running and does nothing; a finished one
 * is started again and its verify step answers DUPLICATE (or re-verifies a previously rejected file).
 */
export async function onFeedBlob(
  blobName: string,
  content: Buffer | string,
  settings: FeedSettings,
  starter: OrchestrationStarter,
  log: FeedLog,
  record?: RejectedManifests,
): Promise<TriggerOutcome> {
  const businessDate = manifestDateOf(blobName);
  if (businessDate === undefined) return { kind: 'IGNORED', blob: blobName };
  const text = typeof content === 'string' ? content : content.toString('utf8');
  const parsed = parseManifest(blobName, text);
  if (!parsed.ok) {
    const run = rejectedManifestRun(blobName, businessDate, text, parsed, record?.now() ?? '');
    await record?.runs.saveRun(run);
    alertRejected(log, run, { code: parsed.code, detail: parsed.detail });
    return { kind: 'INVALID_MANIFEST', blob: blobName, code: parsed.code, detail: parsed.detail };
  }
  const instanceId = feedInstanceId(parsed.manifest);
  const status = await starter.statusOf(instanceId);
  if (status !== undefined && ACTIVE.has(status)) {
    log.log(`feed ${instanceId} already running; manifest trigger ignored`);
    return { kind: 'ALREADY_RUNNING', instanceId };
  }
  await starter.start(instanceId, {
    manifest: parsed.manifest,
    container: settings.container,
    stagingContainer: settings.stagingContainer,
    chunkRows: settings.chunkRows,
    parallelism: settings.parallelism,
    maxAmountCents: settings.maxAmountCents,
    feedStartDate: settings.feedStartDate,
  });
  log.log(`feed ${instanceId} started for ${parsed.manifest.file} (${parsed.manifest.rowCount} rows)`);
  return { kind: 'STARTED', instanceId };
}
