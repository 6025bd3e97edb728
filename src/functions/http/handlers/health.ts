import type { HttpResponseInit } from '@azure/functions';
import type { Services } from '../../../app/services';
import { json } from '../problem';

export interface DependencyCheck {
  name: string;
  check(): Promise<string | undefined>;
}

const TIMEOUT_MS = 3_000;

/** GET /api/health: 200 with each dependency's status; never a secret, a key or a connection string. */
export async function health(checks: DependencyCheck[]): Promise<HttpResponseInit> {
  const results = await Promise.all(
    checks.map(async ({ name, check }) => {
      try {
        const detail = await withTimeout(check());
        return [name, { status: 'ok', ...(detail ? { detail } : {}) }] as const;
      } catch (error) {
        return [
          name,
          { status: 'unavailable', detail: error instanceof Error ? error.message.slice(0, 200) : 'failed' },
        ] as const;
      }
    }),
  );
  const healthy = results.every(([, r]) => r.status === 'ok');
  return json(
    200,
    { status: healthy ? 'ok' : 'degraded', dependencies: Object.fromEntries(results) },
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

/** The checks of the deployed app: settings, Cosmos, the points system's reachability. */
export function standardChecks(s: () => Services): DependencyCheck[] {
  return [
    { name: 'settings', check: async () => `campaign ${s().settings.campaign.campaignId}` },
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
        return `reachable (HTTP ${response.status})`;
      },
    },
  ];
}
