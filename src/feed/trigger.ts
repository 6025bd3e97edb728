import type { FeedOrchestrationInput } from './durable';
import { feedInstanceId, manifestDateOf, parseManifest } from './manifest';
import { FEED_ORCHESTRATOR } from './names';
import type { FeedLog } from './ports';
import type { FeedSettings } from './settings';

/** What the trigger needs from the durable client; `statusOf` is undefined for an unknown instance. */
export interface OrchestrationStarter {
  statusOf(instanceId: string): Promise<string | undefined>;
  start(name: string, instanceId: string, input: FeedOrchestrationInput): Promise<void>;
}

export type TriggerOutcome =
  | { kind: 'IGNORED'; blob: string }
  | { kind: 'INVALID_MANIFEST'; blob: string; code: string; detail: string }
  | { kind: 'ALREADY_RUNNING' | 'STARTED'; instanceId: string };

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
): Promise<TriggerOutcome> {
  if (manifestDateOf(blobName) === undefined) return { kind: 'IGNORED', blob: blobName };
  const parsed = parseManifest(blobName, typeof content === 'string' ? content : content.toString('utf8'));
  if (!parsed.ok) {
    log.error(`FEED_REJECTED manifest=${blobName} code=${parsed.code} detail=${parsed.detail}`);
    return { kind: 'INVALID_MANIFEST', blob: blobName, code: parsed.code, detail: parsed.detail };
  }
  const instanceId = feedInstanceId(parsed.manifest);
  const status = await starter.statusOf(instanceId);
  if (status !== undefined && ACTIVE.has(status)) {
    log.log(`feed ${instanceId} already running; manifest trigger ignored`);
    return { kind: 'ALREADY_RUNNING', instanceId };
  }
  await starter.start(FEED_ORCHESTRATOR, instanceId, {
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
