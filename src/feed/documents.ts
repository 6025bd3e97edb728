import { z } from 'zod';
import { FEED_RUN_STATUSES } from '../domain/feedRuns';
import { chunkPlanSchema, dataRefSchema } from './durable';
import type { ChunkCheckpoint, FeedRun } from './runs';

/** zod schemas of the `feedRuns` documents: what is read back from storage is validated like input. */
const localDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const count = z.number().int().min(0);
const ignored = z.object({ NON_CAMPAIGN_MEMBER: count, NON_QUALIFYING_TYPE: count, UNKNOWN_METHOD: count });
const rejectedLine = z.object({ line: z.number().int().positive(), code: z.string(), detail: z.string() });
const mismatch = z.object({
  transactionId: z.string(),
  memberId: z.string(),
  realtimeAudCents: z.number().int(),
  feedAudCents: z.number().int(),
});

const reportSchema = z.object({
  rowsRead: count,
  campaignRows: count,
  applied: count,
  duplicateRows: count,
  ignored,
  rejected: z.object({ count, lines: z.array(rejectedLine) }),
  matchedRealtime: count,
  feedOnly: count,
  amountMismatches: z.object({ count, items: z.array(mismatch) }),
  missingFromFeed: z.object({
    since: localDate,
    count,
    items: z.array(
      z.object({ transactionId: z.string(), memberId: z.string(), realtimeSettledOn: localDate }),
    ),
  }),
  retractedMembers: count,
});

export const feedRunSchema = z.object({
  id: z.string().min(1),
  businessDate: localDate,
  version: z.number().int().positive(),
  sha256: z.string(),
  file: z.string(),
  rowCount: count,
  status: z.enum(FEED_RUN_STATUSES),
  reason: z
    .object({
      code: z.enum([
        'MANIFEST.JSON',
        'MANIFEST.SCHEMA',
        'MANIFEST.NAME',
        'DATA_FILE_MISSING',
        'CHECKSUM_MISMATCH',
        'TRUNCATED',
        'GZIP_CORRUPT',
        'HEADER_MISMATCH',
        'ROW_COUNT_MISMATCH',
        'VERSION_CONFLICT',
        'DATA_CHANGED',
        'SUPERSEDED',
      ]),
      detail: z.string(),
    })
    .optional(),
  plan: z.object({ data: dataRefSchema, chunks: z.array(chunkPlanSchema) }).optional(),
  report: reportSchema.optional(),
  duplicateDrops: count,
  createdAt: z.string(),
  updatedAt: z.string(),
}) satisfies z.ZodType<FeedRun>;

export const chunkCheckpointSchema = z.object({
  id: z.string().min(1),
  runId: z.string().min(1),
  businessDate: localDate,
  version: z.number().int().positive(),
  index: count,
  offset: count,
  end: count,
  tally: z.object({
    rowsRead: count,
    campaignRows: count,
    applied: count,
    duplicateRows: count,
    ignored,
    rejected: count,
  }),
  rejected: z.array(rejectedLine),
  appliedKeys: z.array(z.string()),
  matchedKeys: z.array(z.string()),
  mismatches: z.array(mismatch),
  members: z.array(z.string()),
  heldMembers: z.array(z.string()),
  completedAt: z.string(),
}) satisfies z.ZodType<ChunkCheckpoint>;
