import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import type { RegisteredFunction } from '../functionsCore';
import { compileBlobPath, type BlobPathPattern } from './blobPath';
import type { Invoker } from './invoke';
import { resolveSetting } from './settings';
import type { Db } from './sqlite';
import type { LogLine } from './types';

const AZURITE_ACCOUNT = 'devstoreaccount1';
const AZURITE_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

/** A client for a binding's `connection`: a connection string, or `<conn>__blobServiceUri` with Azurite's key. */
export function blobServiceFor(connection: string, env: NodeJS.ProcessEnv = process.env): BlobServiceClient {
  const connectionString = env[connection];
  if (connectionString) return BlobServiceClient.fromConnectionString(connectionString);
  const uri = env[`${connection}__blobServiceUri`];
  if (!uri)
    throw new Error(`blob connection "${connection}": set ${connection} or ${connection}__blobServiceUri`);
  return new BlobServiceClient(uri, new StorageSharedKeyCredential(AZURITE_ACCOUNT, AZURITE_KEY));
}

/** Listing returns ETags bare, blob properties quoted. */
const unquote = (etag: string | undefined): string => (etag ?? '').replace(/^"|"$/g, '');

interface Watched {
  fn: RegisteredFunction;
  pattern: BlobPathPattern;
  service: BlobServiceClient;
  /** Only blobs whose name ends so (the Event Grid subscription's `subjectEndsWith` in Azure). */
  nameEndsWith: string | undefined;
}

/** The setting that stands in for an Event Grid subscription filter of one blob trigger function. */
export const blobFilterSetting = (functionName: string): string => `LOCAL_BLOB_FILTER__${functionName}`;

export interface BlobTriggerOptions {
  db: Db;
  invoker: Invoker;
  log: LogLine;
  pollIntervalMs?: number;
  /** The real host gives up after 5 failed attempts per blob version and writes a poison message. */
  maxAttempts?: number;
  env?: NodeJS.ProcessEnv;
}

/**
 * Polls Azurite for `blobTrigger` functions and invokes each once per blob ETag. A version is marked done
 * only after the handler succeeded, so a crash mid-invocation means one more invocation, never none.
 */
export class BlobTriggers {
  private readonly watched: Watched[];
  private timer: NodeJS.Timeout | undefined;
  private current: Promise<void> = Promise.resolve();
  private again = false;
  private busy = false;

  constructor(
    functions: RegisteredFunction[],
    private readonly opts: BlobTriggerOptions,
  ) {
    opts.db
      .exec(`CREATE TABLE IF NOT EXISTS blob_receipts (function TEXT NOT NULL, blob TEXT NOT NULL, etag TEXT NOT NULL,
      attempts INTEGER NOT NULL DEFAULT 0, done INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (function, blob, etag))`);
    this.watched = functions.map((fn) => ({
      fn,
      pattern: compileBlobPath(resolveSetting(String(fn.trigger['path'] ?? ''), opts.env)),
      service: blobServiceFor(String(fn.trigger['connection'] ?? 'AzureWebJobsStorage'), opts.env),
      nameEndsWith: (opts.env ?? process.env)[blobFilterSetting(fn.name)] || undefined,
    }));
  }

  async start(): Promise<void> {
    for (const w of this.watched) await w.service.getContainerClient(w.pattern.container).createIfNotExists();
    const every = this.opts.pollIntervalMs ?? 2000;
    const tick = (): void => {
      this.timer = setTimeout(() => void this.pollNow().finally(tick), every);
    };
    if (this.watched.length > 0) tick();
    await this.pollNow();
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.watched.length = 0;
    await this.current;
  }

  isIdle(): boolean {
    return !this.busy;
  }

  whenIdle(): Promise<void> {
    return this.current;
  }

  /** Scans now (coalescing with a scan under way) and resolves when the blobs seen so far are handled. */
  pollNow(): Promise<void> {
    if (this.busy) {
      this.again = true;
      return this.current;
    }
    this.busy = true;
    this.current = (async () => {
      try {
        do {
          this.again = false;
          for (const w of [...this.watched]) await this.scan(w);
        } while (this.again);
      } catch (err) {
        this.opts.log(`blob trigger: scan failed: ${err instanceof Error ? err.message : String(err)}`);
      } finally {
        this.busy = false;
      }
    })();
    return this.current;
  }

  private async scan(w: Watched): Promise<void> {
    const container = w.service.getContainerClient(w.pattern.container);
    const found: { name: string; etag: string; lastModified: number; params: Record<string, string> }[] = [];
    for await (const blob of container.listBlobsFlat({ includeMetadata: true })) {
      if (w.nameEndsWith !== undefined && !blob.name.endsWith(w.nameEndsWith)) continue;
      const params = w.pattern.match(blob.name);
      const etag = unquote(blob.properties.etag);
      if (params && etag)
        found.push({ name: blob.name, etag, lastModified: blob.properties.lastModified.getTime(), params });
    }
    found.sort((a, b) => a.lastModified - b.lastModified || a.name.localeCompare(b.name));
    const receipt = this.opts.db.prepare(
      'SELECT attempts, done FROM blob_receipts WHERE function = ? AND blob = ? AND etag = ?',
    );
    for (const blob of found) {
      const row = receipt.get(w.fn.name, blob.name, blob.etag) as
        { attempts: number; done: number } | undefined;
      if (row?.done) continue;
      await this.invoke(w, blob, row?.attempts ?? 0);
    }
  }

  private async invoke(
    w: Watched,
    blob: { name: string; etag: string; params: Record<string, string> },
    attempts: number,
  ): Promise<void> {
    const client = w.service.getContainerClient(w.pattern.container).getBlobClient(blob.name);
    const record = this.opts.db.prepare(
      `INSERT INTO blob_receipts (function, blob, etag, attempts, done) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (function, blob, etag) DO UPDATE SET attempts = excluded.attempts, done = excluded.done`,
    );
    let content: Buffer;
    let properties: Record<string, unknown>;
    try {
      const props = await client.getProperties();
      if (unquote(props.etag) !== unquote(blob.etag)) return; // changed since listing: the next scan sees the new version
      content = await client.downloadToBuffer();
      properties = {
        length: props.contentLength,
        contentType: props.contentType,
        eTag: props.etag,
        lastModified: props.lastModified?.toISOString(),
      };
    } catch (err) {
      this.opts.log(
        `blob trigger: ${w.pattern.container}/${blob.name} unreadable: ${err instanceof Error ? err.message : String(err)}`,
      );
      return;
    }
    const blobTrigger = `${w.pattern.container}/${blob.name}`;
    try {
      await this.opts.invoker.invoke({
        fn: w.fn,
        triggerInput: content,
        triggerMetadata: {
          blobTrigger,
          uri: client.url,
          name: blob.name,
          ...blob.params,
          properties,
          metadata: {},
        },
        detail: `blob=${blobTrigger}`,
      });
      record.run(w.fn.name, blob.name, blob.etag, attempts + 1, 1);
    } catch {
      const max = this.opts.maxAttempts ?? 5;
      record.run(w.fn.name, blob.name, blob.etag, attempts + 1, attempts + 1 >= max ? 1 : 0);
      if (attempts + 1 >= max)
        this.opts.log(`blob trigger: ${blobTrigger} (${blob.etag}) given up after ${max} attempts (poison)`);
    }
  }
}
