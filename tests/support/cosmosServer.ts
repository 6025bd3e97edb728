import type { IncomingMessage, ServerResponse } from 'node:http';
import { Agent, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import type { CosmosClient, Database } from '@azure/cosmos';
import { createHttpsServer } from '@vercel/cosmosdb-server';
import { createCosmosClient, type CosmosSettings } from '../../src/adapters/cosmos/client';
import { ensureContainers } from '../../src/adapters/cosmos/containers';

export interface TestCosmos {
  /** `https://127.0.0.1:{port}` */
  endpoint: string;
  /** Trusts the server's self-signed certificate (no global NODE_TLS_REJECT_UNAUTHORIZED). */
  agent: Agent;
  /** Settings for `createCosmosClient`/`createCosmosAdapters` against this server. */
  settings(database?: string): CosmosSettings;
  client: CosmosClient;
  /** A fresh database with every container of docs/contracts.md. */
  freshDatabase(): Promise<Database>;
  /** Answers the next `count` document requests with 429 and `x-ms-retry-after-ms`; for throttling tests. */
  throttle(count: number, retryAfterMs?: number): void;
  /** How many 429s were served since start. */
  throttled(): number;
  /** Document requests since start as `METHOD container[/id]` with their status, e.g. `POST ledger 201`. */
  documentRequests(): string[];
  /**
   * Documents served since start per container, counted as the local runtime's emulator counts them
   * (`/_local/cosmos/stats`): a point read is one, a query or read feed the items it returned.
   */
  documentsRead(): Record<string, number>;
  stop(): Promise<void>;
}

/**
 * Starts `@vercel/cosmosdb-server` in-process on 127.0.0.1 and a random port, for int tests. It keeps
 * data in memory, honours partition keys, unique keys and ETags, and answers like the Cosmos gateway.
 */
export async function startTestCosmos(): Promise<TestCosmos> {
  const server = createHttpsServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const throttling = { remaining: 0, retryAfterMs: 1, served: 0 };
  interposeThrottle(server, throttling);
  const requests: { line: string; res: ServerResponse; plan: boolean }[] = [];
  server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
    const doc = /\/colls\/([^/]+)\/docs(\/[^/?]+)?/.exec(req.url ?? '');
    // The emulator runs a query-plan request as the query itself; the Cosmos gateway reads no document.
    const plan = req.headers['x-ms-cosmos-is-query-plan-request'] !== undefined;
    if (doc) requests.push({ line: `${req.method} ${doc[1]}${doc[2] ? ' item' : ''}`, res, plan });
  });
  const endpoint = `https://127.0.0.1:${port}`;
  const agent = new Agent({ rejectUnauthorized: false, keepAlive: false });
  const settings = (database = 'test'): CosmosSettings => ({
    endpoint,
    database,
    key: 'local-test-key',
    agent,
  });
  const client = createCosmosClient(settings());
  return {
    endpoint,
    agent,
    settings,
    client,
    freshDatabase: () => ensureContainers(client, `db-${randomUUID()}`),
    throttle: (count, retryAfterMs = 1) => Object.assign(throttling, { remaining: count, retryAfterMs }),
    throttled: () => throttling.served,
    documentRequests: () => requests.map(({ line, res }) => `${line} ${res.statusCode}`),
    documentsRead: () => {
      const read: Record<string, number> = {};
      for (const { line, res, plan } of requests) {
        if (res.statusCode !== 200 || plan) continue;
        const [method, container = '', item] = line.split(' ');
        const items = res.getHeader('x-ms-item-count');
        const n = items !== undefined ? Number(items) : method === 'GET' && item === 'item' ? 1 : 0;
        read[container] = (read[container] ?? 0) + n;
      }
      return read;
    },
    stop: async () => {
      client.dispose();
      agent.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Puts a 429 gate in front of the emulator's handler for document operations (it never throttles by itself). */
function interposeThrottle(
  server: Server,
  state: { remaining: number; retryAfterMs: number; served: number },
): void {
  const handlers = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (state.remaining > 0 && /\/docs/.test(req.url ?? '')) {
      state.remaining--;
      state.served++;
      req.resume();
      res.writeHead(429, {
        'content-type': 'application/json',
        'x-ms-retry-after-ms': String(state.retryAfterMs),
      });
      res.end(JSON.stringify({ code: 'TooManyRequests', message: 'Request rate is large' }));
      return;
    }
    for (const handler of handlers) handler(req, res);
  });
}
