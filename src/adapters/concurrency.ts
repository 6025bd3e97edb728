/**
 * Maps with at most `limit` operations in flight; results keep the input order. The first failure
 * rejects the whole call (operations already started still finish on their own).
 */
export async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
  return results;
}

/**
 * Groups items by key, preserving first-seen order: the ledger merges one transaction's observations
 * in sequence (they would only contend for the same document) and different transactions in parallel.
 */
export function groupBy<T>(
  items: readonly T[],
  key: (item: T) => string,
): { key: string; indexes: number[] }[] {
  const groups = new Map<string, number[]>();
  items.forEach((item, index) => {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(index);
    else groups.set(k, [index]);
  });
  return [...groups].map(([k, indexes]) => ({ key: k, indexes }));
}
