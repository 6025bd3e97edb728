import { join } from 'node:path';
import { blobServiceFor } from '../host/blobTrigger';
import type { LogLine } from '../host/types';
import { startPointsStandIn } from '../points';
import { faultsSchema } from '../points/faults';
import { startAzurite } from './azurite';
import { COSMOS_EMULATOR_KEY, ensureCosmosContainers, startCosmos, type CosmosReadCounters } from './cosmos';
import { assertPortFree } from './ports';

export interface EmulatorOptions {
  dataDir: string;
  azuritePort: number;
  cosmosPort: number;
  /** Undefined: no points stand-in. */
  pointsPort: number | undefined;
  env: NodeJS.ProcessEnv;
  /** Virtual-clock mode: the virtual now shared with the emulators' threads. */
  virtualNow?: SharedArrayBuffer;
  /** An emulator stopped on its own: the runtime cannot go on. */
  onFatal(error: Error): void;
  /** Sets a connection setting unless the user set it explicitly in the environment. */
  setDefault(name: string, value: string): void;
  log: LogLine;
}

export interface RunningEmulators {
  /** Makes recent blob writes durable now (Azurite saves its metadata every 5 s otherwise). */
  flushBlobs(): Promise<void>;
  /** What the Cosmos emulator has served since start (see `CosmosReadCounters`). */
  cosmosReads(): CosmosReadCounters;
  stop(): Promise<void>;
}

/** Creates every container a `*_CONTAINER` setting names, in `FeedStorage`, as Bicep does in Azure. */
async function ensureBlobContainers(env: NodeJS.ProcessEnv): Promise<string[]> {
  const names = Object.entries(env)
    .filter(([k, v]) => k.endsWith('_CONTAINER') && v)
    .map(([, v]) => v as string);
  const service = blobServiceFor('FeedStorage', env);
  for (const name of names) await service.getContainerClient(name).createIfNotExists();
  return names;
}

/**
 * Starts Azurite, the Cosmos emulator (database and containers created) and the points stand-in, each
 * on loopback with its state under the data dir, and points the app's settings at them. A taken port
 * fails before anything starts; a failure part-way stops what already started.
 */
export async function startEmulators(o: EmulatorOptions): Promise<RunningEmulators> {
  await assertPortFree(o.azuritePort, 'Azurite blob', '--azurite-port');
  await assertPortFree(o.cosmosPort, 'Cosmos emulator', '--cosmos-port');
  if (o.pointsPort !== undefined) await assertPortFree(o.pointsPort, 'points stand-in', '--points-port');
  const stack: (() => Promise<void>)[] = [];
  const stop = async (): Promise<void> => {
    while (stack.length > 0) await stack.pop()?.();
  };
  try {
    const azurite = await startAzurite(join(o.dataDir, 'azurite'), o.azuritePort);
    stack.push(async () => {
      await azurite.flush();
      await azurite.stop();
    });
    o.setDefault('FeedStorage', azurite.connectionString);
    o.setDefault('AzureWebJobsStorage', azurite.connectionString);
    const containers = await ensureBlobContainers(o.env);
    o.log(`azurite: blob on http://127.0.0.1:${azurite.port}, containers ${containers.join(', ')}`);

    const cosmos = await startCosmos(join(o.dataDir, 'cosmos.sqlite'), o.cosmosPort, {
      ...(o.virtualNow ? { virtualNow: o.virtualNow } : {}),
      onCrash: (error) => o.onFatal(error),
    });
    stack.push(() => cosmos.stop());
    o.setDefault('COSMOS_ENDPOINT', cosmos.endpoint);
    if (!o.env['COSMOS_KEY']) o.env['COSMOS_KEY'] = COSMOS_EMULATOR_KEY;
    const database = o.env['COSMOS_DATABASE'] ?? 'loyalty';
    await ensureCosmosContainers(cosmos.endpoint, o.env['COSMOS_KEY'], database);
    o.log(`cosmos: emulator on ${cosmos.endpoint}, database ${database} ready (journal cosmos.sqlite)`);

    if (o.pointsPort !== undefined) {
      const faults = faultsSchema.parse(JSON.parse(o.env['LOCAL_POINTS_FAULTS'] ?? '{}'));
      const points = await startPointsStandIn({
        port: o.pointsPort,
        host: '127.0.0.1',
        faults,
        dataFile: join(o.dataDir, 'points-credits.json'),
      });
      stack.push(() => points.close());
      o.setDefault('POINTS_API_URL', points.url);
      o.log(`points: stand-in on ${points.url} (faults ${JSON.stringify(faults)})`);
    }
    return { flushBlobs: () => azurite.flush(), cosmosReads: () => cosmos.readCounters(), stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
