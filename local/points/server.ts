import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import type { Credit } from './contract';
import { CreditStore } from './creditStore';
import { emptyStats, handleCredit, type CreditStats } from './creditsRoute';
import {
  faultsPatchSchema,
  faultsSchema,
  NO_FAULTS,
  type Faults,
  type FaultsInput,
  type FaultsPatch,
} from './faults';
import { parseJson, readBody, sendJson } from './http';

export interface PointsStandInOptions {
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  faults?: FaultsInput;
  /** Member ids the points system does not know (404). Default: ids starting with `UNKNOWN`. */
  unknownMember?: RegExp;
  /** Persist credits to this JSON file (survives kill -9). */
  dataFile?: string;
  /** Source of randomness for faults; pass `seededRandom(n)` for reproducible runs. */
  random?: () => number;
}

export interface PointsStandIn {
  url: string;
  port: number;
  setFaults(patch: FaultsPatch): Faults;
  credits(): Credit[];
  stats(): CreditStats;
  /** Forgets every credit and statistic (demo and test isolation). */
  reset(): void;
  close(): Promise<void>;
}

const CREDITS_PATH = /^\/members\/([^/]+)\/credits$/;

/** Starts the points stand-in: SPEC §7's contract plus `/_faults`, `/_credits` and `/_stats` for tests and demos. */
export async function startPointsStandIn(options: PointsStandInOptions = {}): Promise<PointsStandIn> {
  const store = new CreditStore(options.dataFile);
  let faults: Faults = faultsSchema.parse(options.faults ?? NO_FAULTS);
  const stats = emptyStats();
  const deps = {
    store,
    stats,
    faults: () => faults,
    random: options.random ?? Math.random,
    unknownMember: options.unknownMember ?? /^UNKNOWN/,
  };
  const reset = (): void => {
    store.clear();
    Object.assign(stats, emptyStats());
  };
  const setFaults = (patch: FaultsPatch): Faults =>
    (faults = faultsSchema.parse({ ...faults, ...stripUndefined(faultsPatchSchema.parse(patch)) }));

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://stand-in').pathname;
    const credit = CREDITS_PATH.exec(path);
    if (credit && req.method === 'POST')
      return handleCredit(req, res, decodeURIComponent(credit[1] ?? ''), deps);
    if (path === '/_faults' && req.method === 'GET') return sendJson(res, 200, faults);
    if (path === '/_faults' && req.method === 'POST') {
      const json = parseJson((await readBody(req)) ?? '');
      const parsed = json.ok ? faultsPatchSchema.safeParse(json.value) : undefined;
      if (!parsed?.success)
        return sendJson(res, 422, {
          code: 'INVALID_FAULTS',
          message: parsed ? z.prettifyError(parsed.error) : 'body must be JSON',
        });
      return sendJson(res, 200, setFaults(parsed.data));
    }
    if (path === '/_credits' && req.method === 'GET')
      return sendJson(res, 200, { count: store.list().length, credits: store.list() });
    if (path === '/_credits' && req.method === 'DELETE') {
      reset();
      return sendJson(res, 200, { count: 0 });
    }
    if (path === '/_stats' && req.method === 'GET') return sendJson(res, 200, stats);
    if (path === '/_health' && req.method === 'GET') return sendJson(res, 200, { status: 'ok' });
    sendJson(res, 404, { code: 'NO_ROUTE', message: `${req.method ?? ''} ${path}` });
  }

  const server = createServer((req, res) => {
    route(req, res).catch((error: unknown) =>
      sendJson(res, 500, { code: 'STAND_IN_ERROR', message: String(error) }),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port, address } = server.address() as AddressInfo;
  return {
    url: `http://${address}:${port}`,
    port,
    setFaults,
    credits: () => store.list(),
    stats: () => ({ ...stats }),
    reset,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
