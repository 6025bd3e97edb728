import { mkdirSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { azuriteInternals } from '../interceptions';

export const AZURITE_ACCOUNT = 'devstoreaccount1';
export const AZURITE_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

/** The connection string the app and the host use for a local Azurite blob endpoint. */
export function azuriteConnectionString(port: number): string {
  return `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};BlobEndpoint=http://127.0.0.1:${port}/${AZURITE_ACCOUNT};`;
}

interface LokiDb {
  saveDatabase(cb: (err?: Error | null) => void): void;
}
interface AzuriteBlobServer {
  httpServer: Server;
  start(): Promise<void>;
  close(): Promise<void>;
  getHttpServerAddress(): string;
  metadataStore?: { db: LokiDb };
  extentMetadataStore?: { db: LokiDb };
}
type BlobServerCtor = new (config: unknown) => AzuriteBlobServer;
type BlobConfigurationCtor = new (...args: unknown[]) => unknown;

export interface RunningAzurite {
  port: number;
  connectionString: string;
  /** Writes Azurite's metadata to disk now (every write request already waits for this). */
  flush(): Promise<void>;
  stop(): Promise<void>;
}

const save = (db: LokiDb | undefined): Promise<void> =>
  new Promise((resolve, reject) =>
    db ? db.saveDatabase((err) => (err ? reject(err) : resolve())) : resolve(),
  );

const WRITES = new Set(['PUT', 'POST', 'DELETE', 'PATCH', 'MERGE']);

/**
 * Azurite keeps blob metadata in LokiJS, saved every 5 s: a `kill -9` could lose a blob whose upload was
 * acknowledged. So the response to every write request is held until the metadata is on disk (LokiJS
 * writes a temp file and renames it; its throttled saves run a callback only after a save that started
 * later, so concurrent writes share saves).
 */
function holdWritesUntilSaved(httpServer: Server, save: () => Promise<void>): void {
  const original = httpServer.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
  httpServer.removeAllListeners('request');
  httpServer.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (WRITES.has(req.method ?? '')) {
      const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
      res.end = ((...args: unknown[]) => {
        save().then(
          () => end(...args),
          () => end(...args),
        );
        return res;
      }) as ServerResponse['end'];
    }
    original.forEach((listener) => listener(req, res));
  });
}

/**
 * Starts Azurite's blob service inside this process (no orphan survives a `kill -9` of the runtime),
 * on loopback, persisted under `location`, telemetry off, loose and without API-version checks so any
 * current `@azure/storage-blob` can talk to it.
 */
export async function startAzurite(location: string, port: number): Promise<RunningAzurite> {
  mkdirSync(location, { recursive: true });
  const { BlobServer, BlobConfiguration } = azuriteInternals<BlobServerCtor, BlobConfigurationCtor>();
  const persistence = [
    { locationId: 'Default', locationPath: join(location, '__blobstorage__'), maxConcurrency: 10 },
  ];
  const config = new BlobConfiguration(
    '127.0.0.1',
    port,
    undefined,
    join(location, '__azurite_db_blob__.json'),
    join(location, '__azurite_db_blob_extent__.json'),
    persistence,
    false,
    undefined,
    false,
    undefined,
    true,
    true,
  );
  const server = new BlobServer(config);
  const flush = async (): Promise<void> => {
    await save(server.extentMetadataStore?.db);
    await save(server.metadataStore?.db);
  };
  holdWritesUntilSaved(server.httpServer, flush);
  await server.start();
  const actualPort = Number(/:(\d+)$/.exec(server.getHttpServerAddress())?.[1] ?? port);
  return {
    port: actualPort,
    connectionString: azuriteConnectionString(actualPort),
    flush,
    stop: () => server.close(),
  };
}
