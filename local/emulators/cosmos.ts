import { CosmosClient } from '@azure/cosmos';
import { createHttpsServer } from '@vercel/cosmosdb-server';
import type { AddressInfo } from 'node:net';
import { ensureContainers } from '../../src/adapters/cosmos/containers';
import { openDb } from '../host/sqlite';
import { CosmosJournal } from './cosmosJournal';
import { bindNextAccount, installCosmosPersistence } from './cosmosPersistence';
import { trustEmulatorCertificate } from './cosmosTls';

/** cosmosdb-server ignores keys; this is the well-known emulator key the settings carry. */
export const COSMOS_EMULATOR_KEY =
  'C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==';

export interface RunningCosmos {
  port: number;
  endpoint: string;
  stop(): Promise<void>;
}

/**
 * Starts `@vercel/cosmosdb-server` over HTTPS on loopback, journalled to `dbPath` (reloaded on start),
 * and trusts its certificate for this endpoint only (see cosmosTls.ts).
 */
export async function startCosmos(dbPath: string, port: number): Promise<RunningCosmos> {
  installCosmosPersistence();
  const db = openDb(dbPath);
  bindNextAccount(new CosmosJournal(db));
  // keep-alive: otherwise every request pays a full TLS handshake (session resumption is off, see cosmosTls.ts)
  const server = createHttpsServer({ keepAlive: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const actualPort = (server.address() as AddressInfo).port;
  trustEmulatorCertificate(actualPort);
  return {
    port: actualPort,
    endpoint: `https://127.0.0.1:${actualPort}`,
    async stop() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      db.close();
    },
  };
}

/**
 * Creates the database and the app's containers (partition and unique keys) if missing, from the app's
 * own definitions (`src/adapters/cosmos/containers.ts`, which Bicep mirrors), so the two cannot drift.
 */
export async function ensureCosmosContainers(endpoint: string, key: string, database: string): Promise<void> {
  const client = new CosmosClient({ endpoint, key });
  try {
    await ensureContainers(client, database);
  } finally {
    client.dispose();
  }
}
