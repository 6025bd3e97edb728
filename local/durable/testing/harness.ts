import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { virtualClock, type VirtualClock } from '../../clock';
import { currentRegistry } from '../../functionsCore';
import type { FaultInjection } from '../core';
import type { DeliveryOptions } from '../delivery';
import type { EngineLimits } from '../limits';
import { createDurableEngine, type DurableEngine } from '../engine';
import { WEBHOOK_PREFIX } from '../clientData';

/** A tiny webhook server on 127.0.0.1 that forwards to whichever engine is current. */
export interface WebhookServer {
  baseUrl: string;
  use(engine: DurableEngine): void;
  close(): Promise<void>;
}

export async function serveWebhooks(): Promise<WebhookServer> {
  let current: DurableEngine | undefined;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (!current || !url.pathname.startsWith(`${WEBHOOK_PREFIX}/`)) {
        res.writeHead(404).end();
        return;
      }
      const headers = Object.fromEntries(
        Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : v]),
      );
      current
        .handleWebhook({
          method: req.method ?? 'GET',
          path: url.pathname.slice(WEBHOOK_PREFIX.length + 1),
          query: url.searchParams,
          body: Buffer.concat(chunks).toString('utf8'),
          headers,
        })
        .then((out) => res.writeHead(out.status, out.headers).end(out.body))
        .catch((error: unknown) => res.writeHead(500).end(String(error)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    use: (engine) => void (current = engine),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A durable client bound to `engine`, built the way the worker builds one for a function with a durableClient input. */
export function clientFor(engine: DurableEngine): df.DurableClient {
  const binding = df.input.durableClient();
  const context = new InvocationContext({
    functionName: 'testClient',
    options: { trigger: { type: 'httpTrigger', name: 'req' }, extraInputs: [binding], extraOutputs: [] },
  });
  context.extraInputs.set(binding, engine.clientInputData());
  return df.getClient(context);
}

export interface Harness {
  engine: DurableEngine;
  clock: VirtualClock;
  server: WebhookServer;
  client: df.DurableClient;
  lines: string[];
  /** Starts another engine on the same store, server and (new) clock, as after a process restart. */
  restart(options?: { faults?: FaultInjection; atMs?: number }): Promise<Harness>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  dbPath?: string;
  startMs?: number;
  faults?: FaultInjection;
  server?: WebhookServer;
  limits?: Partial<EngineLimits>;
  delivery?: DeliveryOptions;
}

/** Engine + virtual clock + webhook server over the functions registered in this Jest file. */
export async function durableHarness(options: HarnessOptions = {}): Promise<Harness> {
  const server = options.server ?? (await serveWebhooks());
  // The SDK rewrites management URLs to localhost:7071 unless WEBSITE_HOSTNAME names the real host.
  process.env.WEBSITE_HOSTNAME = server.baseUrl.replace('http://', '');
  const clock = virtualClock(options.startMs ?? Date.UTC(2026, 10, 1));
  const lines: string[] = [];
  const dbPath = options.dbPath ?? ':memory:';
  const engine = createDurableEngine({
    registry: currentRegistry(),
    dbPath,
    clock,
    baseUrl: server.baseUrl,
    log: (line) => lines.push(line),
    faults: options.faults,
    limits: options.limits,
    delivery: options.delivery,
  });
  server.use(engine);
  await engine.start();
  const harness: Harness = {
    engine,
    clock,
    server,
    client: clientFor(engine),
    lines,
    restart: (next = {}) =>
      durableHarness({
        dbPath,
        server,
        startMs: next.atMs ?? clock.now(),
        faults: next.faults,
        limits: options.limits,
        delivery: options.delivery,
      }),
    close: async () => {
      await engine.stop();
      await server.close();
    },
  };
  return harness;
}
