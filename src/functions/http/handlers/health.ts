import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import type { Services } from '../../../app/services';
import { principalOf } from '../identity';
import { json } from '../problem';

export interface DependencyCheck {
  name: string;
  /** Resolves (optionally with a short detail for ops) when the dependency answers; throws otherwise. */
  check(): Promise<string | undefined>;
}

export interface DependencyResult {
  status: 'ok' | 'unavailable';
  detail?: string;
}

const TIMEOUT_MS = 3_000;
/** How long one round of checks answers every caller: the dependencies see at most one probe per period. */
export const HEALTH_TTL_MS = 5_000;

/**
 * Runs the checks at most once per `ttlMs` (monotonic time), however many callers ask: anonymous probes
 * (load balancers, uptime monitors, anyone) cannot turn into a request to Cosmos and the points API each.
 * Callers arriving while a round runs share it.
 */
export function healthProbe(
  checks: DependencyCheck[],
  ttlMs = HEALTH_TTL_MS,
  now: () => number = () => performance.now(),
): () => Promise<Record<string, DependencyResult>> {
  let last: { at: number; results: Promise<Record<string, DependencyResult>> } | undefined;
  return () => {
    const at = now();
    if (!last || at - last.at >= ttlMs) last = { at, results: runChecks(checks) };
    return last.results;
  };
}

async function runChecks(checks: DependencyCheck[]): Promise<Record<string, DependencyResult>> {
  const results = await Promise.all(
    checks.map(async ({ name, check }): Promise<[string, DependencyResult]> => {
      try {
        const detail = await withTimeout(check());
        return [name, { status: 'ok', ...(detail ? { detail: detail.slice(0, 200) } : {}) }];
      } catch (error) {
        const detail = error instanceof Error ? error.message.slice(0, 200) : 'failed';
        return [name, { status: 'unavailable', detail }];
      }
    }),
  );
  return Object.fromEntries(results);
}

/**
 * GET /api/health: 200 `{ status: "ok" }` or 503 `{ status: "degraded" }`. Anonymous callers learn only
 * that; a caller with the ops role also gets each dependency's status and detail (never a secret, a key
 * or a connection string; never the configuration).
 */
export async function health(
  request: HttpRequest,
  probe: () => Promise<Record<string, DependencyResult>>,
): Promise<HttpResponseInit> {
  const results = await probe();
  const healthy = Object.values(results).every((r) => r.status === 'ok');
  const isOps = principalOf(request)?.roles.includes('ops') ?? false;
  return json(
    healthy ? 200 : 503,
    { status: healthy ? 'ok' : 'degraded', ...(isOps ? { dependencies: results } : {}) },
    { 'cache-control': 'no-store' },
  );
}

function withTimeout<T>(promise: Promise<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

/**
 * The checks of the deployed app: Cosmos answers a point read; the points API answers HTTP below 500
 * (its root may well be 404 or 405 to a HEAD: that is a server answering; 5xx or no answer is not).
 */
export function standardChecks(s: () => Services): DependencyCheck[] {
  return [
    {
      name: 'cosmos',
      check: async () => {
        await s().repos.members.get(s().settings.campaign.campaignId, 'health-check');
        return undefined;
      },
    },
    {
      name: 'points',
      check: async () => {
        const response = await fetch(s().settings.points.url, {
          method: 'HEAD',
          signal: AbortSignal.timeout(TIMEOUT_MS),
        });
        if (response.status >= 500) throw new Error(`points API answered HTTP ${response.status}`);
        return `HTTP ${response.status}`;
      },
    },
  ];
}
