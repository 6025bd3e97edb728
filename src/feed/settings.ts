import { z } from 'zod';

/**
 * The settings the feed reads (docs/contracts.md), parsed once with zod. Kept here until `src/config.ts`
 * exposes them; the names and defaults are the contract's.
 */
export const feedSettingsSchema = z.object({
  FEED_CONTAINER: z.string().min(3).default('warehouse-drops'),
  FEED_STAGING_CONTAINER: z.string().min(3).default('feed-staging'),
  FEED_CHUNK_ROWS: z.coerce.number().int().min(1).max(1_000_000).default(50_000),
  FEED_PARALLELISM: z.coerce.number().int().min(1).max(16).default(3),
  CAMPAIGN_ID: z.string().min(1).default('cold-member-activation'),
  CAMPAIGN_FEED_START_DATE: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD'),
  CAMPAIGN_MAX_AMOUNT_CENTS: z.coerce.number().int().positive().default(100_000_000),
});

export interface FeedSettings {
  container: string;
  stagingContainer: string;
  chunkRows: number;
  parallelism: number;
  campaignId: string;
  feedStartDate: string;
  maxAmountCents: number;
}

/** Fails fast with every problem listed, so a bad deployment does not start half-configured. */
export function parseFeedSettings(env: Record<string, string | undefined>): FeedSettings {
  const parsed = feedSettingsSchema.safeParse(env);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid feed settings: ${detail}`);
  }
  const s = parsed.data;
  return {
    container: s.FEED_CONTAINER,
    stagingContainer: s.FEED_STAGING_CONTAINER,
    chunkRows: s.FEED_CHUNK_ROWS,
    parallelism: s.FEED_PARALLELISM,
    campaignId: s.CAMPAIGN_ID,
    feedStartDate: s.CAMPAIGN_FEED_START_DATE,
    maxAmountCents: s.CAMPAIGN_MAX_AMOUNT_CENTS,
  };
}
