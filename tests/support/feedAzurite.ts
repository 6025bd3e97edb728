import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The few members of Azurite's (untyped) programmatic blob server that the tests use. */
interface AzuriteBlobServer {
  start(): Promise<void>;
  close(): Promise<void>;
  clean(): Promise<void>;
  getHttpServerAddress(): string;
}

// Azurite ships no type declarations; its programmatic server is reached through its dist modules.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const BlobServer = require('azurite/dist/src/blob/BlobServer').default as new (
  config: unknown,
) => AzuriteBlobServer;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const BlobConfiguration = require('azurite/dist/src/blob/BlobConfiguration').default as new (
  ...args: unknown[]
) => unknown;

const ACCOUNT = 'devstoreaccount1';
const KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

/** An in-process, in-memory Azurite blob endpoint on 127.0.0.1 and a free port. */
export async function startAzuriteBlob(): Promise<{ connectionString: string; stop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'feed-azurite-'));
  const config = new BlobConfiguration(
    '127.0.0.1',
    0,
    undefined,
    join(dir, 'meta.json'),
    join(dir, 'extent.json'),
    [{ locationId: 'Default', locationPath: dir, maxConcurrency: 1 }],
    false,
    undefined,
    false,
    undefined,
    true,
    true,
    '',
    '',
    '',
    undefined,
    false,
    true,
  );
  const server = new BlobServer(config);
  await server.start();
  const port = new URL(server.getHttpServerAddress()).port;
  return {
    connectionString:
      `DefaultEndpointsProtocol=http;AccountName=${ACCOUNT};AccountKey=${KEY};` +
      `BlobEndpoint=http://127.0.0.1:${port}/${ACCOUNT};`,
    async stop() {
      await server.close();
      await server.clean().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
