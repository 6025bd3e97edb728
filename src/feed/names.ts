/** Durable names of the feed pipeline, defined once (docs/contracts.md, docs/feed.md). */
export const FEED_ORCHESTRATOR = 'feedIngestion';
export const FEED_VERIFY_ACTIVITY = 'feedVerify';
export const FEED_APPLY_CHUNK_ACTIVITY = 'feedApplyChunk';
export const FEED_COMPLETE_ACTIVITY = 'feedComplete';
export const FEED_STOP_ACTIVITY = 'feedStop';
/** Called by the member orchestrator: returns `{ watermark: 'YYYY-MM-DD' | null }`. */
export const FEED_GET_WATERMARK_ACTIVITY = 'feedGetWatermark';

/** Entity operations the feed signals on the `member` entity. */
export const MEMBER_ENTITY = 'member';
export const APPLY_FEED_BATCH_OPERATION = 'applyFeedBatch';
export const HOLD_OPERATION = 'hold';
