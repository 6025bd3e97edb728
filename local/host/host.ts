import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Registry } from '../functionsCore';
import { ADMIN_KEY_HEADER, createAdminApi, keyMatches } from './admin';
import { blobServiceFor, BlobTriggers } from './blobTrigger';
import type { LocalNamespace } from './broker';
import { createAuthEndpoints } from './authEndpoints';
import { createHttpFunctions, hostProblem } from './httpFunctions';
import { closeGracefully, createHostServer, type HttpPart } from './httpServer';
import { waitUntilIdle } from './idle';
import { loadOrCreateAdminKey, loadOrCreateSecret } from './secrets';
import { createInvoker } from './invoke';
import { ServiceBusTriggers } from './serviceBusTrigger';
import type { Db } from './sqlite';
import { TimerTriggers } from './timerTrigger';
import type { HostClock, HostDurableEngine, LogLine } from './types';

export interface HostOptions {
  registry: Registry;
  namespace: LocalNamespace;
  db: Db;
  dataDir: string;
  clock: HostClock;
  engine?: HostDurableEngine;
  log: LogLine;
  port: number;
  env?: NodeJS.ProcessEnv;
  routePrefix?: string;
  bodyLimitBytes?: number;
  maxDeliveryCount?: number;
  redeliveryDelayMs?: number;
  maxConcurrentCalls?: number;
  /** host.json extensions.serviceBus.maxAutoLockRenewalDuration, in ms. */
  lockRenewalMs?: number;
  blobPollIntervalMs?: number;
  virtualTimerMinIntervalMs?: number;
  /** Called after the admin API wrote blobs (the runtime flushes Azurite's metadata). */
  flushBlobs?: () => Promise<void>;
  /** The Cosmos emulator's read counters, when the runtime started one. */
  cosmosReads?: () => unknown;
  /**
   * Called once the HTTP server listens and before any trigger starts: the runtime starts the durable
   * engine here, because resumed activities may call the durable client over this server.
   */
  onListening?: () => Promise<void>;
}

export interface RunningHost {
  baseUrl: string;
  port: number;
  adminKey: string;
  secret: Buffer;
  serviceBus: ServiceBusTriggers;
  blobs: BlobTriggers;
  waitIdle(timeoutMs?: number): Promise<boolean>;
  stop(): Promise<void>;
}

/** Where `df.getClient()` sends its requests (the engine's client data points here). */
export const WEBHOOK_PREFIX = '/runtime/webhooks/durabletask';

const DURABLE_TRIGGERS = ['orchestrationtrigger', 'activitytrigger', 'entitytrigger'];
const HANDLED = ['httptrigger', 'servicebustrigger', 'blobtrigger', 'timertrigger', ...DURABLE_TRIGGERS];

/**
 * The durable HTTP API on the socket. As Azure requires the system key (`code=` or `x-functions-key`) on
 * `/runtime/webhooks/durabletask/*`, this requires the data dir's admin key, in `x-local-admin-key`,
 * `x-functions-key` or `?code=`: any local process could otherwise read every member's state and
 * terminate instances. The app's own durable client does not come through here (durableTransport.ts
 * serves it in process, as Azure's extension serves it on its internal RPC endpoint).
 */
function durableWebhooks(engine: HostDurableEngine, adminKey: string): HttpPart {
  return {
    owns: (p) => p.startsWith(`${WEBHOOK_PREFIX}/`) || p === WEBHOOK_PREFIX,
    async handle(req) {
      const presented =
        req.headers[ADMIN_KEY_HEADER] ?? req.headers['x-functions-key'] ?? req.url.searchParams.get('code');
      if (!keyMatches(presented, adminKey))
        return hostProblem(
          401,
          'AUTH.KEY_REQUIRED',
          `the durable HTTP API needs the admin key (${ADMIN_KEY_HEADER}, x-functions-key or ?code=)`,
        );
      const r = await engine.handleWebhook({
        method: req.method,
        path: req.url.pathname.slice(WEBHOOK_PREFIX.length + 1),
        query: req.url.searchParams,
        body: req.body.toString('utf8'),
        headers: req.headers,
      });
      return { status: r.status, headers: Object.entries(r.headers ?? {}), body: Buffer.from(r.body ?? '') };
    },
  };
}

/**
 * Runs the app's registered triggers: HTTP (with the identity edge and the admin API), Service Bus
 * queues, blob polling and timers, on one loopback port. The durable engine, emulators and the app
 * itself are started by the caller, so tests can assemble only what they need.
 */
export async function startHost(opts: HostOptions): Promise<RunningHost> {
  const env = opts.env ?? process.env;
  const invoker = createInvoker(opts.registry, opts.log, (binding) =>
    ['durableclient', 'orchestrationclient'].includes(binding.type.toLowerCase())
      ? opts.engine?.clientInputData()
      : undefined,
  );
  const secret = loadOrCreateSecret(join(opts.dataDir, 'dev-token.secret'));
  const adminKey = loadOrCreateAdminKey(opts.dataDir);
  for (const fn of opts.registry.functions) {
    if (!HANDLED.includes(fn.trigger.type.toLowerCase()))
      opts.log(`WARNING ${fn.name}: trigger type ${fn.trigger.type} is not emulated locally`);
    const outputs = Object.entries(fn.bindings).filter(([k, b]) => k !== '$return' && b.direction === 'out');
    if (outputs.length > 0)
      opts.log(
        `WARNING ${fn.name}: output bindings (${outputs.map(([, b]) => b.type).join(', ')}) are not emulated locally`,
      );
  }
  const serviceBus = new ServiceBusTriggers(opts.registry.byTriggerType('serviceBusTrigger'), {
    store: opts.namespace.queues,
    invoker,
    clock: opts.clock,
    log: opts.log,
    env,
    ...(opts.maxDeliveryCount !== undefined ? { maxDeliveryCount: opts.maxDeliveryCount } : {}),
    ...(opts.redeliveryDelayMs !== undefined ? { redeliveryDelayMs: opts.redeliveryDelayMs } : {}),
    ...(opts.maxConcurrentCalls !== undefined ? { maxConcurrentCalls: opts.maxConcurrentCalls } : {}),
    ...(opts.lockRenewalMs !== undefined ? { lockRenewalMs: opts.lockRenewalMs } : {}),
  });
  opts.namespace.attach(serviceBus);
  const blobs = new BlobTriggers(opts.registry.byTriggerType('blobTrigger'), {
    db: opts.db,
    invoker,
    log: opts.log,
    env,
    ...(opts.blobPollIntervalMs !== undefined ? { pollIntervalMs: opts.blobPollIntervalMs } : {}),
  });
  const timers = new TimerTriggers(opts.registry.byTriggerType('timerTrigger'), {
    db: opts.db,
    invoker,
    clock: opts.clock,
    log: opts.log,
    env,
    ...(opts.virtualTimerMinIntervalMs !== undefined
      ? { virtualMinIntervalMs: opts.virtualTimerMinIntervalMs }
      : {}),
  });

  const waitIdle = (timeoutMs = 30_000): Promise<boolean> =>
    waitUntilIdle([serviceBus, blobs, ...(opts.engine ? [opts.engine] : [])], timeoutMs);

  const feedContainer = env['FEED_CONTAINER'] ?? 'warehouse-drops';
  const http = createHttpFunctions(opts.registry.byTriggerType('httpTrigger'), {
    invoker,
    secret,
    routePrefix: opts.routePrefix ?? 'api',
  });
  const admin = createAdminApi({
    adminKey,
    secret,
    clock: opts.clock,
    publish: (queue, message) => opts.namespace.publishToQueue(queue, message),
    queueStore: opts.namespace.queues,
    topicStore: opts.namespace.topics,
    feedService: () => blobServiceFor('FeedStorage', env),
    feedContainer,
    pollBlobs: () => blobs.pollNow(),
    flushBlobs: opts.flushBlobs ?? (async () => undefined),
    durableStats: () => opts.engine?.stats?.(),
    cosmosStats: () => opts.cosmosReads?.(),
    waitIdle,
    describe: () => ({
      clock: { mode: opts.clock.mode, now: new Date(opts.clock.now()).toISOString() },
      http: http.routes,
      queues: serviceBus.queues(),
      functions: opts.registry.functions.map((f) => ({ name: f.name, trigger: f.trigger.type })),
    }),
  });
  const parts: HttpPart[] = [
    admin,
    ...(opts.engine ? [durableWebhooks(opts.engine, adminKey)] : []),
    createAuthEndpoints(secret),
    http,
  ];
  const server = createHostServer(parts, opts.log, opts.bodyLimitBytes ?? 4 * 1024 * 1024);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const closeServer = (): Promise<void> => closeGracefully(server, 5000);
  const stopTriggers = async (): Promise<void> => {
    await timers.stop();
    await serviceBus.stop();
    await blobs.stop();
  };
  try {
    for (const hook of opts.registry.hooks.filter((h) => h.hookName === 'appStart'))
      await hook.callback({ hookData: {}, appHookData: {} });
    await opts.onListening?.();
    await blobs.start();
    serviceBus.start();
    timers.start();
  } catch (err) {
    await closeServer();
    await stopTriggers();
    throw err;
  }
  opts.log(
    `host: ${http.routes.length} HTTP route(s) on http://127.0.0.1:${port}/${opts.routePrefix ?? 'api'}/, admin API on /_local/`,
  );
  for (const r of http.routes) opts.log(`  ${r.methods.join(',').padEnd(12)} ${r.route}  -> ${r.name}`);

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    port,
    adminKey,
    secret,
    serviceBus,
    blobs,
    waitIdle,
    async stop() {
      await closeServer();
      for (const hook of opts.registry.hooks.filter((h) => h.hookName === 'appTerminate'))
        await hook.callback({ hookData: {}, appHookData: {} });
      await stopTriggers();
    },
  };
}
