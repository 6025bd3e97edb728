import { NOTIFY_SHARD_KEYS, notifyShardOf } from '../durableNames';
import type { CampaignClient } from './campaignClient';

// Dispatch runs only when there is work: whoever signals a member wakes the member's outbox shard
// (docs/contracts.md#notifications). The wake is cheap when the shard's dispatch is already running.

/** Wakes the dispatch of the shards of members just signalled (an operation may have queued a notification). */
export async function wakeNotifyFor(client: CampaignClient, memberIds: Iterable<string>): Promise<void> {
  await client.wakeDispatch([...memberIds].map(notifyShardOf));
}

/**
 * The same wake where a failure must not fail the caller (an activity whose orchestration would fail):
 * logged, and the sweep's safety net (`wakeQueuedShards`) wakes the shard later.
 */
export async function wakeNotifyQuietly(
  client: CampaignClient,
  memberIds: Iterable<string>,
  log: (line: string) => void,
): Promise<void> {
  try {
    await wakeNotifyFor(client, memberIds);
  } catch (error) {
    log(`NOTIFY_WAKE_FAILED ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * Safety net (run by the sweep timer): wakes every shard whose index still names a member, so a wake
 * lost to a crash or a race with a finishing dispatch delays a notification by one sweep interval at most.
 * Reads NOTIFY_SHARDS small entities; returns the shards woken.
 */
export async function wakeQueuedShards(client: CampaignClient): Promise<string[]> {
  const queued: string[] = [];
  for (const shard of NOTIFY_SHARD_KEYS)
    if (Object.keys(await client.readOutbox(shard)).length > 0) queued.push(shard);
  await client.wakeDispatch(queued);
  return queued;
}
