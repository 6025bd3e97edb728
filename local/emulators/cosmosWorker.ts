import { createHttpsServer } from '@vercel/cosmosdb-server';
import type { AddressInfo } from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';
import { SharedNow } from '../host/sharedNow';
import { openDb } from '../host/sqlite';
import { installVirtualDate } from '../interceptions';
import { CosmosJournal } from './cosmosJournal';
import { bindNextAccount, installCosmosPersistence } from './cosmosPersistence';

/** What the main thread hands the Cosmos emulator's worker (see cosmos.ts). */
export interface CosmosWorkerData {
  dbPath: string;
  port: number;
  /** Virtual-clock mode: one BigInt64 holding the virtual now in ms, kept by the main thread (`SharedNow`). */
  virtualNow?: SharedArrayBuffer;
  /** Read counters (`CosmosReadCounters`), written here and read by the main thread. */
  readCounters?: SharedArrayBuffer;
}

export type CosmosWorkerReply =
  { type: 'ready'; port: number } | { type: 'failed'; message: string; code?: string } | { type: 'stopped' };

/**
 * The Cosmos emulator's thread: `@vercel/cosmosdb-server` over HTTPS on loopback, journalled to SQLite
 * (cosmosPersistence.ts). Every write is in the journal before its response is sent, as in the main
 * thread; a `kill -9` of the process ends this thread with it, so no emulator is ever left behind.
 */
function main(): void {
  const port = parentPort;
  if (!port) throw new Error('cosmosWorker runs as a worker thread (see startCosmos)');
  const data = workerData as CosmosWorkerData;
  if (data.virtualNow) installVirtualDate(SharedNow.reader(data.virtualNow));
  installCosmosPersistence();
  const db = openDb(data.dbPath);
  bindNextAccount(new CosmosJournal(db));
  // keep-alive: otherwise every request pays a full TLS handshake (session resumption is off, see cosmosTls.ts)
  const server = createHttpsServer({ keepAlive: true });
  if (data.readCounters) countReads(server, new BigInt64Array(data.readCounters));
  const reply = (message: CosmosWorkerReply): void => port.postMessage(message);
  server.once('error', (error: NodeJS.ErrnoException) => {
    reply({ type: 'failed', message: error.message, ...(error.code ? { code: error.code } : {}) });
  });
  server.listen(data.port, '127.0.0.1', () =>
    reply({ type: 'ready', port: (server.address() as AddressInfo).port }),
  );
  port.on('message', (message: unknown) => {
    if (message !== 'stop') return;
    server.close(() => {
      db.close();
      reply({ type: 'stopped' });
      port.close();
    });
    server.closeAllConnections();
  });
}

/**
 * `[documents read, read requests]`: a point read counts 1, a query or read feed the items it returned (its
 * query-plan request none).
 */
function countReads(server: ReturnType<typeof createHttpsServer>, counters: BigInt64Array): void {
  server.prependListener('request', (req, res) => {
    if (!/\/docs(\/|$|\?)/.test(req.url ?? '')) return;
    // cosmosdb-server runs a query-plan request as the query itself; the Cosmos gateway reads no document.
    if (req.headers['x-ms-cosmos-is-query-plan-request'] !== undefined) return;
    // Counted as the response is ended, before the client can see it: a reader of the counters after
    // its call returned finds the call counted (on 'finish' it raced the other thread).
    const end = res.end.bind(res) as (...args: unknown[]) => typeof res;
    res.end = ((...args: unknown[]) => {
      const items = res.getHeader('x-ms-item-count');
      const isPointRead = req.method === 'GET' && /\/docs\/[^/?]+/.test(req.url ?? '');
      if (res.statusCode === 200 && (items !== undefined || isPointRead)) {
        Atomics.add(counters, 0, BigInt(items === undefined ? 1 : Number(items)));
        Atomics.add(counters, 1, 1n);
      }
      return end(...args);
    }) as typeof res.end;
  });
}

main();
