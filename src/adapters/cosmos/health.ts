import type { Database } from '@azure/cosmos';

export type DependencyHealth = { status: 'ok'; latencyMs: number } | { status: 'down'; detail: string };

/** Reads the database's metadata: proves reachability and credentials without touching data or leaking secrets. */
export async function cosmosHealth(
  database: Database,
  now: () => number = () => performance.now(),
): Promise<DependencyHealth> {
  const started = now();
  try {
    await database.read();
    return { status: 'ok', latencyMs: Math.round(now() - started) };
  } catch (error) {
    const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
    return {
      status: 'down',
      detail: `cosmos database ${database.id}: ${String(code ?? (error instanceof Error ? error.name : 'error'))}`,
    };
  }
}
