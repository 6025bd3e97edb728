import { FEED_GET_WATERMARK_ACTIVITY } from './feed/names';

/** Names of durable functions, defined once (docs/contracts.md). Changing one breaks running instances. */
export const MEMBER_ENTITY = 'member';
export const OUTBOX_ENTITY = 'notificationOutbox';
export const OUTBOX_KEY = 'global';

export const MEMBER_CAMPAIGN_ORCHESTRATOR = 'memberCampaign';

export const ACTIVITIES = {
  readWatermark: FEED_GET_WATERMARK_ACTIVITY,
  recordDecision: 'recordFinalDecision',
  issuePoints: 'issueRewardPoints',
  recordIssuance: 'recordRewardIssuance',
  raiseAlert: 'raiseOpsAlert',
} as const;

/** Instance ids name the member, so ops find an instance in the Durable Functions Monitor by member id. */
export function memberCampaignInstanceId(campaignId: string, memberId: string): string {
  return `${MEMBER_CAMPAIGN_ORCHESTRATOR}:${campaignId}:${memberId}`;
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
