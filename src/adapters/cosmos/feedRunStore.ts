import type { Container } from '@azure/cosmos';
import { z } from 'zod';
import { chunkCheckpointSchema, feedRunSchema } from '../../feed/documents';
import type { FeedRunStore } from '../../feed/ports';
import { pageNewestFirst, type FeedRun } from '../../feed/runs';
import { createDoc, queryAll, readDoc, replaceDoc, upsertDoc } from './documents';
import { ContentionError } from './errors';

const WATERMARK_ID = 'watermark';
const WATERMARK_ATTEMPTS = 10;

const watermarkSchema = z.object({
  id: z.literal(WATERMARK_ID),
  businessDate: z.literal(WATERMARK_ID),
  kind: z.literal('watermark'),
  date: z.string(),
});
const runKeySchema = z.object({ id: z.string(), businessDate: z.string(), version: z.number() });
const businessDateSchema = z.object({ businessDate: z.string() }).transform((d) => d.businessDate);

/**
 * `FeedRunStore` over the `feedRuns` container (partition /businessDate): documents of kind `run` and
 * `chunk` live in their date's partition; the watermark is one document in partition `watermark`,
 * raised under ETag concurrency so it never goes back. Every call goes through the Cosmos helpers
 * (`documents.ts`), so a 429 is retried after the server's back-off like every other repository's.
 */
export function cosmosFeedRunStore(container: Container): FeedRunStore {
  const readRun = async (businessDate: string, id: string): Promise<FeedRun | undefined> =>
    (await readDoc(container, id, businessDate, feedRunSchema))?.doc;
  const readWatermark = () => readDoc(container, WATERMARK_ID, WATERMARK_ID, watermarkSchema);
  return {
    getRun: readRun,
    listRuns: (businessDate) =>
      queryAll(
        container,
        'SELECT * FROM c WHERE c.kind = "run" AND c.businessDate = @date',
        [{ name: '@date', value: businessDate }],
        feedRunSchema,
        { partitionKey: businessDate },
      ),
    async listRunsNewestFirst(limit, after) {
      // Keys first (small, a few per day), then the page's runs in full: reports can be large.
      const keys = await queryAll(
        container,
        'SELECT c.id, c.businessDate, c.version FROM c WHERE c.kind = "run"',
        [],
        runKeySchema,
      );
      const runs = await Promise.all(
        pageNewestFirst(keys, limit, after).map((k) => readRun(k.businessDate, k.id)),
      );
      return runs.filter((r): r is FeedRun => r !== undefined);
    },
    saveRun: (run) => upsertDoc(container, { ...feedRunSchema.parse(run), kind: 'run' }),
    saveChunk: (checkpoint) =>
      upsertDoc(container, { ...chunkCheckpointSchema.parse(checkpoint), kind: 'chunk' }),
    async getChunk(businessDate, checkpointId) {
      return (await readDoc(container, checkpointId, businessDate, chunkCheckpointSchema))?.doc;
    },
    listChunks: (businessDate, runId) =>
      queryAll(
        container,
        'SELECT * FROM c WHERE c.kind = "chunk" AND c.businessDate = @date AND c.runId = @runId',
        [
          { name: '@date', value: businessDate },
          { name: '@runId', value: runId },
        ],
        chunkCheckpointSchema,
        { partitionKey: businessDate },
      ),
    async listCompletedDates(fromDate) {
      const dates = await queryAll(
        container,
        'SELECT c.businessDate FROM c WHERE c.kind = "run" AND c.status = "COMPLETED" AND c.businessDate >= @from',
        [{ name: '@from', value: fromDate }],
        businessDateSchema,
      );
      return [...new Set(dates)].sort();
    },
    async readWatermark() {
      return (await readWatermark())?.doc.date ?? null;
    },
    async raiseWatermark(date) {
      for (let attempt = 0; attempt < WATERMARK_ATTEMPTS; attempt++) {
        const current = await readWatermark();
        if (current && current.doc.date >= date) return current.doc.date;
        const next = { id: WATERMARK_ID, businessDate: WATERMARK_ID, kind: 'watermark', date };
        const outcome = current
          ? await replaceDoc(container, WATERMARK_ID, next, current.etag)
          : await createDoc(container, next);
        if (outcome === 'REPLACED' || outcome === 'CREATED') return date;
      }
      throw new ContentionError('watermark', WATERMARK_ATTEMPTS);
    },
  };
}
