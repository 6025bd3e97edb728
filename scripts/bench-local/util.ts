import type { Reply } from '../../local/cli/client';

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function ok(reply: Reply, what: string): Reply {
  if (reply.status >= 400)
    throw new Error(`${what} failed: HTTP ${reply.status} ${reply.text.slice(0, 500)}`);
  return reply;
}

/** Runs `fn` over `items` with at most `limit` at once, in order of start. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, i: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] as number;
}

export const fmt = (n: number, digits = 1): string => (Number.isFinite(n) ? n.toFixed(digits) : 'NaN');
