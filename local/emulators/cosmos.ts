import { CosmosClient } from '@azure/cosmos';
import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
// The one import of the app (justified): the emulator provisions the app's containers as Bicep does in
// Azure, from the single list that infra tests check Bicep against (tests/unit/infraBicep.unit.test.ts).
// A copy here would be a third definition of partition and unique keys to keep in step.
// eslint-disable-next-line no-restricted-imports
import { ensureContainers } from '../../src/adapters/cosmos/containers';
import { trustEmulatorCertificate } from './cosmosTls';
import type { CosmosWorkerData, CosmosWorkerReply } from './cosmosWorker';

/** cosmosdb-server ignores keys; this is the well-known emulator key the settings carry. */
export const COSMOS_EMULATOR_KEY =
  'C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==';

export interface RunningCosmos {
  port: number;
  endpoint: string;
  /** Documents the emulator has served since it started (benchmarks take differences). */
  readCounters(): CosmosReadCounters;
  stop(): Promise<void>;
}

/** Documents served: a point read counts one, a query or read feed the items it returned. */
export interface CosmosReadCounters {
  documentsRead: number;
  readRequests: number;
}

export interface CosmosOptions {
  /** Virtual-clock mode: the shared virtual now (`SharedNow.buffer`), so documents' `_ts` follow it. */
  virtualNow?: SharedArrayBuffer;
  /** The emulator's thread ended without being asked to (the runtime cannot go on without it). */
  onCrash?: (error: Error) => void;
}

/**
 * Starts `@vercel/cosmosdb-server` over HTTPS on loopback in a worker thread (cosmosWorker.ts),
 * journalled to `dbPath` (reloaded on start), and trusts its certificate for this endpoint only (see
 * cosmosTls.ts). The thread lets the emulator's request handling, TLS and journal writes run on another
 * core than the app; it ends with the process, even on `kill -9`.
 */
export async function startCosmos(
  dbPath: string,
  port: number,
  o: CosmosOptions = {},
): Promise<RunningCosmos> {
  const readCounters = new SharedArrayBuffer(2 * BigInt64Array.BYTES_PER_ELEMENT);
  const counters = new BigInt64Array(readCounters);
  const data: CosmosWorkerData = {
    dbPath,
    port,
    readCounters,
    ...(o.virtualNow ? { virtualNow: o.virtualNow } : {}),
  };
  const worker = spawnWorker(data);
  let stopping = false;
  const ready = await new Promise<number>((resolve, reject) => {
    const failed = (error: Error): void => {
      void worker.terminate();
      reject(error);
    };
    worker.once('error', failed);
    worker.once('exit', (code) => failed(new Error(`the Cosmos emulator's thread exited (code ${code})`)));
    worker.once('message', (reply: CosmosWorkerReply) => {
      worker.removeAllListeners('error').removeAllListeners('exit');
      if (reply.type === 'ready') resolve(reply.port);
      else if (reply.type === 'failed')
        failed(Object.assign(new Error(`Cosmos emulator: ${reply.message}`), { code: reply.code }));
      else failed(new Error(`Cosmos emulator: unexpected reply ${reply.type}`));
    });
  });
  watchForCrash(worker, 'the Cosmos emulator', () => stopping, o.onCrash);
  trustEmulatorCertificate(ready);
  return {
    port: ready,
    endpoint: `https://127.0.0.1:${ready}`,
    readCounters: () => ({
      documentsRead: Number(Atomics.load(counters, 0)),
      readRequests: Number(Atomics.load(counters, 1)),
    }),
    async stop() {
      if (stopping) return;
      stopping = true;
      await new Promise<void>((resolve) => {
        worker.once('exit', () => resolve());
        worker.on('message', (reply: CosmosWorkerReply) => {
          if (reply.type === 'stopped') void worker.terminate();
        });
        worker.postMessage('stop');
      });
    },
  };
}

/**
 * Reports a worker thread that ends by itself (an uncaught error, or an exit nobody asked for) once,
 * unless `stopping()` says the end was asked for.
 */
export function watchForCrash(
  worker: Worker,
  what: string,
  stopping: () => boolean,
  onCrash: ((error: Error) => void) | undefined,
): void {
  let reported = false;
  const crashed = (error: Error): void => {
    if (reported || stopping()) return;
    reported = true;
    onCrash?.(error);
  };
  worker.on('error', (error) =>
    crashed(new Error(`${what}'s thread failed: ${error.message}`, { cause: error })),
  );
  worker.on('exit', (code) => crashed(new Error(`${what}'s thread exited (code ${code})`)));
}

/** The compiled worker next to this file; under ts (jest, tsx) the same source through tsx's loader. */
function spawnWorker(data: CosmosWorkerData): Worker {
  const file = join(__dirname, `cosmosWorker${extname(__filename)}`);
  if (extname(__filename) !== '.ts') return new Worker(file, { workerData: data });
  return new Worker(`require('tsx/cjs'); require(${JSON.stringify(file)});`, {
    eval: true,
    workerData: data,
  });
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
