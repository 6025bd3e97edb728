import type { Container } from '@azure/cosmos';
import { cosmosStatus } from '../adapters/cosmos/errors';
import { chunkCheckpointSchema, feedRunSchema } from './documents';
import type { FeedRunStore } from './ports';
import { pageNewestFirst, type ChunkCheckpoint, type FeedRun, type FeedRunKey } from './runs';

const WATERMARK_ID = 'watermark';
const WATERMARK_ATTEMPTS = 10;

interface WatermarkDoc {
  id: string;
  businessDate: string;
  kind: 'watermark';
  date: string;
}

/**
 * `FeedRunStore` over the `feedRuns` container (partition /businessDate): documents of kind `run` and
 * `chunk` live in their date's partition; the watermark is one document in partition `watermark`,
 * raised under ETag concurrency so it never goes back.
 */
export function cosmosFeedRunStore(container: Container): FeedRunStore {
  const query = async <T>(
    text: string,
    parameters: { name: string; value: string }[],
    partitionKey?: string,
  ): Promise<T[]> => {
    const options = partitionKey === undefined ? {} : { partitionKey };
    const { resources } = await container.items.query<T>({ query: text, parameters }, options).fetchAll();
    return resources;
  };
  const readRun = async (businessDate: string, id: string): Promise<FeedRun | undefined> => {
    try {
      const { resource } = await container.item(id, businessDate).read();
      return resource === undefined ? undefined : feedRunSchema.parse(resource);
    } catch (error) {
      if (cosmosStatus(error) === 404) return undefined;
      throw error;
    }
  };
  const readWatermarkDoc = async (): Promise<{ doc?: WatermarkDoc; etag?: string }> => {
    try {
      const { resource, etag } = await container.item(WATERMARK_ID, WATERMARK_ID).read<WatermarkDoc>();
      return resource ? { doc: resource, etag } : {};
    } catch (error) {
      if (cosmosStatus(error) === 404) return {};
      throw error;
    }
  };
  return {
    getRun: readRun,
    async listRuns(businessDate) {
      const docs = await query<unknown>(
        'SELECT * FROM c WHERE c.kind = "run" AND c.businessDate = @date',
        [{ name: '@date', value: businessDate }],
        businessDate,
      );
      return docs.map((d) => feedRunSchema.parse(d));
    },
    async listRunsNewestFirst(limit, after) {
      // Keys first (small, a few per day), then the page's runs in full: reports can be large.
      const keys = await query<FeedRunKey>(
        'SELECT c.id, c.businessDate, c.version FROM c WHERE c.kind = "run"',
        [],
      );
      const page = pageNewestFirst(keys, limit, after);
      const runs = await Promise.all(page.map((k) => readRun(k.businessDate, k.id)));
      return runs.filter((r): r is FeedRun => r !== undefined);
    },
    async saveRun(run) {
      await container.items.upsert({ ...feedRunSchema.parse(run), kind: 'run' });
    },
    async saveChunk(checkpoint) {
      await container.items.upsert({ ...chunkCheckpointSchema.parse(checkpoint), kind: 'chunk' });
    },
    async getChunk(businessDate, checkpointId) {
      try {
        const { resource } = await container.item(checkpointId, businessDate).read();
        return resource === undefined ? undefined : chunkCheckpointSchema.parse(resource);
      } catch (error) {
        if (cosmosStatus(error) === 404) return undefined;
        throw error;
      }
    },
    async listChunks(businessDate, runId) {
      const docs = await query<unknown>(
        'SELECT * FROM c WHERE c.kind = "chunk" AND c.businessDate = @date AND c.runId = @runId',
        [
          { name: '@date', value: businessDate },
          { name: '@runId', value: runId },
        ],
        businessDate,
      );
      return docs.map((d): ChunkCheckpoint => chunkCheckpointSchema.parse(d));
    },
    async listCompletedDates(fromDate) {
      const dates = await query<{ businessDate: string }>(
        'SELECT c.businessDate FROM c WHERE c.kind = "run" AND c.status = "COMPLETED" AND c.businessDate >= @from',
        [{ name: '@from', value: fromDate }],
      );
      return [...new Set(dates.map((d) => d.businessDate))].sort();
    },
    async readWatermark() {
      return (await readWatermarkDoc()).doc?.date ?? null;
    },
    async raiseWatermark(date) {
      for (let attempt = 0; attempt < WATERMARK_ATTEMPTS; attempt++) {
        const { doc, etag } = await readWatermarkDoc();
        if (doc && doc.date >= date) return doc.date;
        const next: WatermarkDoc = { id: WATERMARK_ID, businessDate: WATERMARK_ID, kind: 'watermark', date };
        try {
          if (doc && etag)
            await container
              .item(WATERMARK_ID, WATERMARK_ID)
              .replace(next, { accessCondition: { type: 'IfMatch', condition: etag } });
          else await container.items.create(next);
          return date;
        } catch (error) {
          const status = cosmosStatus(error);
          if (status !== 412 && status !== 409) throw error;
        }
      }
      throw new Error(`watermark: still contended after ${WATERMARK_ATTEMPTS} attempts`);
    },
  };
}
