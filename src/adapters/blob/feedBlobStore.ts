import { PassThrough } from 'node:stream';
import { RestError, type BlobServiceClient } from '@azure/storage-blob';
import type { BlobRead, FeedBlobStore, RangeRead, StagingSink } from '../../feed/ports';
import type { DataRef } from '../../feed/runs';

const UPLOAD_BLOCK = 8 * 1024 * 1024;
const UPLOAD_CONCURRENCY = 4;

const statusOf = (error: unknown): number | undefined =>
  error instanceof RestError ? error.statusCode : undefined;

/**
 * `FeedBlobStore` over `@azure/storage-blob`. Downloads are streamed (`readableStreamBody`), never
 * buffered; range reads carry If-Match so a chunk reads exactly the bytes that were verified.
 */
export function feedBlobStore(service: BlobServiceClient): FeedBlobStore {
  const blob = (container: string, name: string) =>
    service.getContainerClient(container).getBlockBlobClient(name);
  return {
    async readText(container, name) {
      try {
        return (await blob(container, name).downloadToBuffer()).toString('utf8');
      } catch (error) {
        if (statusOf(error) === 404) return undefined;
        throw error;
      }
    },
    async open(container, name): Promise<BlobRead> {
      try {
        const response = await blob(container, name).download(0);
        if (!response.readableStreamBody || !response.etag)
          throw new Error(`download of ${container}/${name} returned no body or ETag`);
        return {
          kind: 'FOUND',
          etag: response.etag,
          size: response.contentLength ?? 0,
          stream: response.readableStreamBody as AsyncIterable<Buffer> & NodeJS.ReadableStream,
        };
      } catch (error) {
        if (statusOf(error) === 404) return { kind: 'MISSING' };
        throw error;
      }
    },
    async readRange(ref: DataRef, start: number, end: number): Promise<RangeRead> {
      if (end <= start) return { kind: 'OK', stream: (async function* () {})() };
      try {
        const response = await blob(ref.container, ref.blob).download(start, end - start, {
          conditions: { ifMatch: ref.etag },
        });
        if (!response.readableStreamBody)
          throw new Error(`download of ${ref.container}/${ref.blob} returned no body`);
        return {
          kind: 'OK',
          stream: response.readableStreamBody as AsyncIterable<Buffer> & NodeJS.ReadableStream,
        };
      } catch (error) {
        const status = statusOf(error);
        if (status === 412 || status === 404) return { kind: 'CHANGED' };
        throw error;
      }
    },
    stage(container, name): StagingSink {
      return stagingUpload(service, container, name);
    },
  };
}

/** Streams bytes into a block blob as they come (backpressure through `write`), committed at the end. */
function stagingUpload(service: BlobServiceClient, container: string, name: string): StagingSink {
  const client = service.getContainerClient(container).getBlockBlobClient(name);
  const body = new PassThrough({ highWaterMark: UPLOAD_BLOCK });
  const upload = service
    .getContainerClient(container)
    .createIfNotExists()
    .then(() => client.uploadStream(body, UPLOAD_BLOCK, UPLOAD_CONCURRENCY));
  // Observed here so an early failure is not an unhandled rejection; surfaced by write/commit.
  let failure: unknown;
  upload.catch((error: unknown) => (failure = error));
  return {
    async write(bytes) {
      if (failure) throw failure;
      if (body.write(bytes)) return;
      const failed = upload.then(() => {
        throw new Error(`staging upload of ${container}/${name} ended before its input`);
      });
      await Promise.race([new Promise<void>((resolve) => body.once('drain', resolve)), failed]);
    },
    async commit() {
      body.end();
      const response = await upload;
      if (!response.etag) throw new Error(`staging upload of ${container}/${name} returned no ETag`);
      return { container, blob: name, etag: response.etag };
    },
    async abort() {
      body.end();
      await upload.catch(() => undefined);
      await client.deleteIfExists().catch(() => undefined);
    },
  };
}
