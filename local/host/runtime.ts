import { existsSync, mkdirSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { realClock, virtualClock, type Clock } from '../clock';
import { createDurableEngine, type DurableEngine } from '../durable';
import { startEmulators } from '../emulators';
import { assertPortFree, pickFreePort } from '../emulators/ports';
import { installFunctionsCore, type Registry } from '../functionsCore';
import { installVirtualDate } from '../interceptions';
import { LocalNamespace } from './broker';
import { lockDataDir } from './dataDirLock';
import { installInProcessDurableClient } from './durableTransport';
import { startHost, type RunningHost } from './host';
import { loadOrCreateAdminKey } from './secrets';
import { readHostJson } from './hostJson';
import type { RuntimeOptions } from './options';
import { installServiceBusShim, type LocalBroker } from './serviceBusShim';
import { loadSettings } from './settings';
import { SharedNow } from './sharedNow';
import { openDb } from './sqlite';
import type { LogLine } from './types';
import { virtualTimeStore } from './virtualTime';
import { wallClockMs } from './wallClock';

export interface RuntimeContext {
  rootDir: string;
  env: NodeJS.ProcessEnv;
  log: LogLine;
  /**
   * Loads the app so its registrations land in `registry` (default: `require` of the entry file). Under
   * Jest, whose module registry bypasses the require proxies, supply `@azure/service-bus` with
   * `jest.doMock('@azure/service-bus', () => createServiceBusModule(broker))` here.
   */
  loadApp?: (entryPath: string, registry: Registry, broker: LocalBroker) => void;
  /** An emulator's thread ended on its own (default: log it and exit the process with code 1). */
  onFatal?: (error: Error) => void;
}

export interface RunningRuntime {
  host: RunningHost;
  engine: DurableEngine;
  clock: Clock;
  dataDir: string;
  stop(): Promise<void>;
}

export class AppEntryMissingError extends Error {}

/** Exit code of `npm start` when the app's entry point throws while it loads (a bad setting, say). */
export const EXIT_APP_LOAD_FAILED = 5;

/**
 * The app's entry point threw while loading: Azure's Node worker (Node 20+) then indexes no function and
 * reports `Worker was unable to load entry point "<file>": <message>`; this runtime stops with that text.
 */
export class AppLoadError extends Error {
  constructor(entry: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`Worker was unable to load entry point "${entry}": ${reason}`, { cause });
    this.name = 'AppLoadError';
  }
}

const portOf = (url: string | undefined, fallback: number): number => {
  try {
    return url ? Number(new URL(url).port) || fallback : fallback;
  } catch {
    return fallback;
  }
};

function makeClock(
  o: RuntimeOptions,
  db: ReturnType<typeof openDb>,
  log: LogLine,
): { clock: Clock; shared?: SharedNow } {
  if (o.clock.mode === 'real') return { clock: realClock() };
  const store = virtualTimeStore(db);
  const saved = store.load();
  if (saved !== undefined && o.clock.startMs !== undefined && o.clock.startMs !== saved) {
    log(
      `clock: resuming virtual time at ${new Date(saved).toISOString()} (delete ${db.name} to start again at the requested instant)`,
    );
  }
  const start = saved ?? o.clock.startMs ?? wallClockMs();
  store.save(start);
  const shared = new SharedNow(start);
  const clock = virtualClock(start, (now) => {
    store.save(now);
    shared.set(now);
  });
  return { clock, shared };
}

/**
 * Brings up the whole local system in this process: settings, Azurite, the Cosmos emulator, the points
 * stand-in, the app (with `@azure/functions-core` and the Service Bus shim supplied), the durable engine
 * and the host. On a failure part-way, whatever started is stopped again before the error is rethrown.
 */
export async function startRuntime(o: RuntimeOptions, ctx: RuntimeContext): Promise<RunningRuntime> {
  const { env, log } = ctx;
  const stack: (() => Promise<void> | void)[] = [];
  const stopAll = async (): Promise<void> => {
    while (stack.length > 0) await stack.pop()?.();
  };
  try {
    const explicit = new Set(Object.keys(env));
    const settingsFile = loadSettings(ctx.rootDir, env);
    log(
      settingsFile
        ? `settings: ${settingsFile}`
        : 'settings: no local.settings.json or local.settings.sample.json found',
    );
    const dataDir = resolve(ctx.rootDir, o.dataDir);
    mkdirSync(dataDir, { recursive: true });
    const entry = isAbsolute(o.appEntry) ? o.appEntry : resolve(ctx.rootDir, o.appEntry);
    if (!existsSync(entry))
      throw new AppEntryMissingError(
        `app entry ${entry} not found: run \`npm run build\` first (npm start does)`,
      );
    const pointsPort = o.pointsPort ?? portOf(env['POINTS_API_URL'], 7081);
    await assertPortFree(o.port, 'Functions host', '--port');
    // the durable client data carries the host's URL, so `--port 0` is resolved before anything listens
    const port = o.port === 0 ? await pickFreePort() : o.port;
    stack.push(lockDataDir(dataDir));
    const db = openDb(join(dataDir, 'host.sqlite'));
    stack.push(() => void db.close());
    const { clock, shared } = makeClock(o, db, log);
    // In virtual mode every wall-clock read in this process (app, SDKs, emulators) follows the clock,
    // so the app cannot tell; installed before anything else starts so all of them agree.
    if (clock.mode === 'virtual') stack.push(installVirtualDate(() => clock.now()));
    log(`clock: ${clock.mode}, now ${new Date(clock.now()).toISOString()}`);
    const setDefault = (name: string, value: string): void => {
      if (!explicit.has(name)) env[name] = value;
    };
    const emulators = await startEmulators({
      dataDir,
      azuritePort: o.azuritePort,
      cosmosPort: o.cosmosPort,
      pointsPort: o.points ? pointsPort : undefined,
      env,
      setDefault,
      log,
      ...(shared ? { virtualNow: shared.buffer } : {}),
      onFatal:
        ctx.onFatal ??
        ((error) => {
          log(`fatal: ${error.message}; exiting (state is durable: start again to resume)`);
          process.exit(1);
        }),
    });
    stack.push(() => emulators.stop());

    const baseUrl = `http://127.0.0.1:${port}`;
    env['WEBSITE_HOSTNAME'] = `127.0.0.1:${port}`;
    const namespace = new LocalNamespace(db, clock);
    const registry = installFunctionsCore(log);
    installServiceBusShim(namespace);
    // the entry is only known at run time, and it must load through Module.prototype.require (the proxies)
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      (ctx.loadApp ?? ((path) => require(path)))(entry, registry, namespace);
    } catch (error) {
      throw new AppLoadError(entry, error);
    }
    log(`app: ${entry} registered ${registry.functions.length} function(s)`);

    const hostJson = readHostJson(ctx.rootDir);
    const engine = createDurableEngine({
      registry,
      dbPath: join(dataDir, 'durable.sqlite'),
      clock,
      baseUrl,
      log,
      taskHubName: env['TASK_HUB_NAME'] ?? 'coldmemberlocal',
      systemKey: loadOrCreateAdminKey(dataDir),
      limits: hostJson.durableLimits,
      delivery: o.delivery,
    });
    stack.push(() => engine.stop());
    stack.push(installInProcessDurableClient(baseUrl, engine));
    hostJson.warnings.forEach((w) => log(`WARNING ${w}`));
    const host = await startHost({
      registry,
      namespace,
      db,
      dataDir,
      clock,
      engine,
      log,
      port,
      env,
      routePrefix: hostJson.routePrefix,
      maxConcurrentCalls: hostJson.maxConcurrentCalls,
      lockRenewalMs: hostJson.maxAutoLockRenewalMs,
      redeliveryDelayMs: o.redeliveryDelayMs,
      virtualTimerMinIntervalMs: o.virtualTimerMinIntervalMs,
      flushBlobs: () => emulators.flushBlobs(),
      cosmosReads: () => emulators.cosmosReads(),
      onListening: () => engine.start(),
    });
    stack.push(() => host.stop());
    return { host, engine, clock, dataDir, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
