import { z } from 'zod';
import {
  FEED_APPLY_CHUNK_ACTIVITY,
  FEED_COMPLETE_ACTIVITY,
  FEED_GET_WATERMARK_ACTIVITY,
  FEED_ORCHESTRATOR,
  FEED_STOP_ACTIVITY,
  FEED_VERIFY_ACTIVITY,
} from '../durableNames';
import { contract } from '../orchestrators/durableCalls';

/**
 * The feed's durable contracts, one place (issue 10.2): the zod schema of every durable payload
 * (orchestration input, activity inputs and results) and its type by `z.infer`. History is JSON written by
 * another process version, so it is validated like any other boundary: the activities parse their inputs
 * (src/feed/activities.ts), the orchestration parses every result (src/orchestrators/feedIngestion.ts).
 * `FEED_CONTRACTS` pairs each activity's name (src/durableNames.ts) with its schemas, `FEED_ORCHESTRATION`
 * the orchestrator's name with its input and what a run ends with.
 */
const localDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const positiveInt = z.number().int().positive();
const count = z.number().int().min(0);

export const dataRefSchema = z.object({
  container: z.string().min(1),
  blob: z.string().min(1),
  etag: z.string().min(1),
});

export type DataRef = z.infer<typeof dataRefSchema>;

export const chunkPlanSchema = z.object({
  index: count,
  offset: count,
  end: count,
  firstRecord: count,
  firstLine: positiveInt,
  rows: count,
});

export type ChunkPlan = z.infer<typeof chunkPlanSchema>;

export const verifiedManifestSchema = z.object({
  businessDate: localDate,
  file: z.string().min(1),
  rowCount: count,
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  version: positiveInt,
});

export const feedOrchestrationInputSchema = z.object({
  manifest: verifiedManifestSchema,
  container: z.string().min(1),
  stagingContainer: z.string().min(1),
  chunkRows: positiveInt,
  parallelism: positiveInt,
  maxAmountCents: positiveInt,
  feedStartDate: localDate,
});
export type FeedOrchestrationInput = z.infer<typeof feedOrchestrationInputSchema>;

export const verifyJobSchema = feedOrchestrationInputSchema.pick({
  manifest: true,
  container: true,
  stagingContainer: true,
  chunkRows: true,
});

export type VerifyJob = z.infer<typeof verifyJobSchema>;

/** A verification that applies nothing: the run ends with it. */
const notVerifiedSchema = z.object({
  kind: z.enum(['DUPLICATE', 'SUPERSEDED', 'REJECTED']),
  runId: z.string(),
  detail: z.string(),
});

export const verifyResultSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('VERIFIED'),
    runId: z.string(),
    data: dataRefSchema,
    chunks: z.array(chunkPlanSchema),
    done: z.array(count),
  }),
  notVerifiedSchema,
]);

export type VerifyResult = z.infer<typeof verifyResultSchema>;

export const chunkJobSchema = z.object({
  runId: z.string().min(1),
  businessDate: localDate,
  version: positiveInt,
  file: z.string().min(1),
  data: dataRefSchema,
  chunk: chunkPlanSchema,
  chunkCount: positiveInt,
  maxAmountCents: positiveInt,
});

export type ChunkJob = z.infer<typeof chunkJobSchema>;

export const chunkResultSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.enum(['APPLIED', 'SKIPPED']),
    index: count,
    rows: count,
    /** Wall milliseconds the chunk took (the orchestrator's clock is virtual locally, and replay-safe only). */
    wallMs: z.number().min(0).optional(),
  }),
  z.object({ kind: z.literal('SUPERSEDED'), index: count, by: z.string() }),
  z.object({ kind: z.literal('DATA_CHANGED'), index: count }),
]);
export type ChunkResult = z.infer<typeof chunkResultSchema>;

export const completeJobSchema = z.object({
  runId: z.string().min(1),
  businessDate: localDate,
  version: positiveInt,
  chunkCount: count,
  feedStartDate: localDate,
});

export type CompleteJob = z.infer<typeof completeJobSchema>;

export const completeResultSchema = z.object({
  kind: z.literal('COMPLETED'),
  runId: z.string(),
  watermark: localDate.nullable(),
});

export type CompleteResult = z.infer<typeof completeResultSchema>;

export const stopJobSchema = z.object({
  runId: z.string().min(1),
  businessDate: localDate,
  reason: z.object({ code: z.enum(['SUPERSEDED', 'DATA_CHANGED']), detail: z.string() }),
});

export type StopJob = z.infer<typeof stopJobSchema>;

export const stopResultSchema = z.object({ kind: z.enum(['SUPERSEDED', 'REJECTED']), runId: z.string() });

export type StopResult = z.infer<typeof stopResultSchema>;

export const watermarkResultSchema = z.object({ watermark: localDate.nullable() });
export type WatermarkResult = z.infer<typeof watermarkResultSchema>;

/** Each feed activity's contract: its name, input schema and result schema. */
export const FEED_CONTRACTS = {
  verify: contract(FEED_VERIFY_ACTIVITY, verifyJobSchema, verifyResultSchema),
  applyChunk: contract(FEED_APPLY_CHUNK_ACTIVITY, chunkJobSchema, chunkResultSchema),
  complete: contract(FEED_COMPLETE_ACTIVITY, completeJobSchema, completeResultSchema),
  stop: contract(FEED_STOP_ACTIVITY, stopJobSchema, stopResultSchema),
  getWatermark: contract(FEED_GET_WATERMARK_ACTIVITY, z.unknown(), watermarkResultSchema),
};

/** What a feed run ends with: the verification that stopped it, the stop, or the completion. */
export const feedRunResultSchema = z.union([notVerifiedSchema, stopResultSchema, completeResultSchema]);
export type FeedRunResult = z.infer<typeof feedRunResultSchema>;

/** The orchestrator `feedIngestion`: started by the manifest trigger (src/feed/trigger.ts). */
export const FEED_ORCHESTRATION = contract(
  FEED_ORCHESTRATOR,
  feedOrchestrationInputSchema,
  feedRunResultSchema,
);
