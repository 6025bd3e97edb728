import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type {
  BlobRead,
  FeedBlobStore,
  FeedRunStore,
  MemberSignals,
  RangeRead,
  StagingSink,
} from '../../../src/feed/ports';
import {
  pageNewestFirst,
  type ChunkCheckpoint,
  type DataRef,
  type FeedBatch,
  type FeedHold,
  type FeedRun,
  type FeedRunKey,
} from '../../../src/feed/runs';

const clone = <T>(value: T): T => structuredClone(value);

/** In-memory `FeedRunStore` with the same semantics as the Cosmos one (upserts, max watermark). */
export class MemoryFeedRunStore implements FeedRunStore {
  readonly runs = new Map<string, FeedRun>();
  readonly chunks = new Map<string, ChunkCheckpoint>();
  watermark: string | null = null;

  async getRun(_businessDate: string, runId: string): Promise<FeedRun | undefined> {
    const run = this.runs.get(runId);
    return run && clone(run);
  }
  async listRuns(businessDate: string): Promise<FeedRun[]> {
    return [...this.runs.values()].filter((r) => r.businessDate === businessDate).map(clone);
  }
  async listRunsNewestFirst(limit: number, after?: FeedRunKey): Promise<FeedRun[]> {
    return pageNewestFirst([...this.runs.values()], limit, after).map(clone);
  }
  async saveRun(run: FeedRun): Promise<void> {
    this.runs.set(run.id, clone(run));
  }
  async saveChunk(checkpoint: ChunkCheckpoint): Promise<void> {
    this.chunks.set(checkpoint.id, clone(checkpoint));
  }
  async getChunk(_businessDate: string, checkpointId: string): Promise<ChunkCheckpoint | undefined> {
    const checkpoint = this.chunks.get(checkpointId);
    return checkpoint && clone(checkpoint);
  }
  async listChunks(_businessDate: string, runId: string): Promise<ChunkCheckpoint[]> {
    return [...this.chunks.values()].filter((c) => c.runId === runId).map(clone);
  }
  async listCompletedDates(fromDate: string): Promise<string[]> {
    const dates = [...this.runs.values()]
      .filter((r) => r.status === 'COMPLETED' && r.businessDate >= fromDate)
      .map((r) => r.businessDate);
    return [...new Set(dates)].sort();
  }
  async readWatermark(): Promise<string | null> {
    return this.watermark;
  }
  async raiseWatermark(date: string): Promise<string> {
    if (this.watermark === null || date > this.watermark) this.watermark = date;
    return this.watermark;
  }
}

interface StoredBlob {
  bytes: Buffer;
  etag: string;
}

/** In-memory `FeedBlobStore`; streams are cut into small pieces so boundary handling gets exercised. */
export class MemoryFeedBlobStore implements FeedBlobStore {
  readonly blobs = new Map<string, StoredBlob>();
  private version = 0;

  constructor(private readonly pieceBytes = 7) {}

  put(container: string, blob: string, bytes: Buffer | string): string {
    const etag = `"${++this.version}-${createHash('sha1').update(bytes).digest('hex').slice(0, 8)}"`;
    this.blobs.set(`${container}/${blob}`, { bytes: Buffer.from(bytes), etag });
    return etag;
  }
  async readText(container: string, blob: string): Promise<string | undefined> {
    return this.blobs.get(`${container}/${blob}`)?.bytes.toString('utf8');
  }
  async open(container: string, blob: string): Promise<BlobRead> {
    const found = this.blobs.get(`${container}/${blob}`);
    return found
      ? { kind: 'FOUND', etag: found.etag, size: found.bytes.length, stream: this.pieces(found.bytes) }
      : { kind: 'MISSING' };
  }
  async readRange(ref: DataRef, start: number, end: number): Promise<RangeRead> {
    const found = this.blobs.get(`${ref.container}/${ref.blob}`);
    if (!found || found.etag !== ref.etag) return { kind: 'CHANGED' };
    return { kind: 'OK', stream: this.pieces(found.bytes.subarray(start, end)) };
  }
  stage(container: string, blob: string): StagingSink {
    const parts: Buffer[] = [];
    return {
      write: async (bytes) => void parts.push(Buffer.from(bytes)),
      commit: async () => ({ container, blob, etag: this.put(container, blob, Buffer.concat(parts)) }),
      abort: async () => undefined,
    };
  }
  private pieces(bytes: Buffer): AsyncIterable<Buffer> {
    const size = this.pieceBytes;
    return Readable.from(
      (function* () {
        for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
      })(),
    );
  }
}

export type Signal =
  | { memberId: string; op: 'applyFeedBatch'; input: FeedBatch }
  | { memberId: string; op: 'hold'; input: FeedHold };

/** Records entity signals in order, for assertions. */
export class RecordingSignals implements MemberSignals {
  readonly sent: Signal[] = [];
  async applyFeedBatch(memberId: string, input: FeedBatch): Promise<void> {
    this.sent.push({ memberId, op: 'applyFeedBatch', input: clone(input) });
  }
  async hold(memberId: string, input: FeedHold): Promise<void> {
    this.sent.push({ memberId, op: 'hold', input: clone(input) });
  }
}
