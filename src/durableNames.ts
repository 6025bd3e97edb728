/** Names of durable functions, defined once (docs/contracts.md). Changing one breaks running instances. */
export const MEMBER_ENTITY = 'member';
export const OUTBOX_ENTITY = 'notificationOutbox';

/**
 * The outbox is sharded by member hash: entity `notificationOutbox@shard-NN`, drained by orchestration
 * `notifyDispatch:shard-NN`. A member always maps to the same shard, so its notifications keep their order.
 * A constant, not a setting: changing it re-maps members, and entries queued under the old count would sit
 * in shards nothing drains (raise it only with a drain of the old shards, docs/operations.md).
 */
export const NOTIFY_SHARDS = 16;
export const NOTIFY_DISPATCH_ORCHESTRATOR = 'notifyDispatch';
export const NOTIFY_DRAIN_ACTIVITY = 'notifyDrainShard';

/** `shard-00` … `shard-15`. */
export const NOTIFY_SHARD_KEYS: readonly string[] = Array.from(
  { length: NOTIFY_SHARDS },
  (_, i) => `shard-${String(i).padStart(2, '0')}`,
);

/** The member's outbox shard: FNV-1a (32 bit) of the member id, modulo NOTIFY_SHARDS. Stable across hosts. */
export function notifyShardOf(memberId: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < memberId.length; i += 1) {
    hash ^= memberId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return NOTIFY_SHARD_KEYS[hash % NOTIFY_SHARDS] ?? 'shard-00';
}

/** The outbox effect "write this member's `memberStates` projection" (beside notification ids). */
export const MEMBER_STATE_EFFECT_PREFIX = 'memberState:v';
export function memberStateEffectId(version: number): string {
  return `${MEMBER_STATE_EFFECT_PREFIX}${version}`;
}

/** One dispatch instance per shard at a time; ops find it in the Monitor by shard. */
export function notifyDispatchInstanceId(shard: string): string {
  return `${NOTIFY_DISPATCH_ORCHESTRATOR}:${shard}`;
}

/** The feed pipeline (docs/feed.md); its payloads' schemas are in src/feed/durable.ts. */
export const FEED_ORCHESTRATOR = 'feedIngestion';
export const FEED_VERIFY_ACTIVITY = 'feedVerify';
export const FEED_APPLY_CHUNK_ACTIVITY = 'feedApplyChunk';
export const FEED_COMPLETE_ACTIVITY = 'feedComplete';
export const FEED_STOP_ACTIVITY = 'feedStop';
/** Called by the member orchestrator: returns `{ watermark: 'YYYY-MM-DD' | null }`. */
export const FEED_GET_WATERMARK_ACTIVITY = 'feedGetWatermark';

/**
 * The member orchestration is versioned by name (docs/versioning.md): new instances start under
 * `memberCampaign_v2`; `memberCampaign` (v1) stays registered, frozen, for instances started before it.
 * Both keep the instance id `memberCampaign:{campaignId}:{memberId}`, so whoever builds, starts or
 * queries an instance by id finds either version.
 */
export const MEMBER_CAMPAIGN_ORCHESTRATOR = 'memberCampaign_v2';
/** Frozen: the hourly re-check of the watermark (src/orchestrators/memberCampaign.ts). */
export const MEMBER_CAMPAIGN_V1_ORCHESTRATOR = 'memberCampaign';
export const MEMBER_CAMPAIGN_INSTANCE_PREFIX = 'memberCampaign';

/** The event a waiting `memberCampaign_v2` instance wakes on (docs/flows.md § 4). */
export const RECHECK_EVENT = 'recheck';

export const ACTIVITIES = {
  readWatermark: FEED_GET_WATERMARK_ACTIVITY,
  recordDecision: 'recordFinalDecision',
  issuePoints: 'issueRewardPoints',
  recordIssuance: 'recordRewardIssuance',
  raiseAlert: 'raiseOpsAlert',
} as const;

/** Instance ids name the member, so ops find an instance in the Durable Functions Monitor by member id. */
export function memberCampaignInstanceId(campaignId: string, memberId: string): string {
  return `${MEMBER_CAMPAIGN_INSTANCE_PREFIX}:${campaignId}:${memberId}`;
}

export const MEMBER_OPERATIONS = [
  'enrol',
  'applyRealtime',
  'applyFeedBatch',
  'hold',
  'releaseHolds',
  'acknowledge',
  'decide',
  'recordReward',
  'ackOutbox',
  'get',
] as const;
export type MemberOperation = (typeof MEMBER_OPERATIONS)[number];
