import type { Container } from '@azure/cosmos';
import { cosmosFeedRunStore } from '../../src/adapters/cosmos/feedRunStore';
import { withThrottleRetry, type ThrottleOptions } from '../../src/adapters/cosmos/throttle';
import { cosmosStatus } from '../../src/adapters/cosmos/errors';
import type { FeedRun } from '../../src/feed/runs';

/** Shaped like the SDK's ErrorResponse: a numeric `code` and the server's `retryAfterInMs`. */
const throttled = (retryAfterInMs?: number) =>
  Object.assign(new Error('Request rate is large'), { code: 429, retryAfterInMs });

function options(maxAttempts = 4, maxWaitMs = 5_000): ThrottleOptions & { waits: number[] } {
  const waits: number[] = [];
  return { maxAttempts, maxWaitMs, waits, sleep: async (ms) => void waits.push(ms) };
}

describe('withThrottleRetry', () => {
  it('given 429s with retry-after, when the operation later succeeds, then it waited what the server asked', async () => {
    const opts = options();
    let calls = 0;
    const result = await withThrottleRetry(async () => {
      calls++;
      if (calls < 3) throw throttled(calls * 40);
      return 'done';
    }, opts);
    expect(result).toBe('done');
    expect(opts.waits).toEqual([40, 80]);
  });

  it('given endless 429s, then it gives up after maxAttempts and throws the 429 for the trigger to retry', async () => {
    const opts = options(3);
    let calls = 0;
    const error = await withThrottleRetry(async () => {
      calls++;
      throw throttled(10);
    }, opts).catch((e: unknown) => e);
    expect(calls).toBe(3);
    expect(cosmosStatus(error)).toBe(429);
    expect(opts.waits).toEqual([10, 10]);
  });

  it('caps a long retry-after and backs off exponentially when the server gives none', async () => {
    const opts = options(4, 150);
    let calls = 0;
    await withThrottleRetry(async () => {
      calls++;
      if (calls === 1) throw throttled(60_000);
      if (calls < 4) throw throttled();
      return calls;
    }, opts);
    expect(opts.waits).toEqual([150, 150, 150]);
  });

  it.each([409, 412, 503])('never retries a %i', async (code) => {
    const opts = options();
    let calls = 0;
    const failing = withThrottleRetry(async () => {
      calls++;
      throw Object.assign(new Error('no'), { code });
    }, opts);
    await expect(failing).rejects.toMatchObject({ code });
    expect(calls).toBe(1);
    expect(opts.waits).toEqual([]);
  });
});

describe('the feed run store retries 429s through the Cosmos helpers (issue 10.4)', () => {
  /** A `feedRuns` container that answers every operation's first attempt with a 429. */
  function throttlingContainer() {
    const docs = new Map<string, Record<string, unknown>>();
    const calls: string[] = [];
    const once = new Set<string>();
    const attempt = async <T>(op: string, answer: () => T): Promise<T> => {
      calls.push(op);
      if (!once.has(op)) {
        once.add(op);
        throw throttled(0);
      }
      return answer();
    };
    let etags = 0;
    const store = (body: Record<string, unknown>) => {
      const stored = { ...body, _etag: `e${++etags}` };
      docs.set(String(body['id']), stored);
      return { resource: stored, etag: stored._etag };
    };
    const container = {
      id: 'feedRuns',
      item: (id: string) => ({
        read: () =>
          attempt('read', () => {
            const doc = docs.get(id);
            return doc ? { statusCode: 200, resource: doc, etag: doc['_etag'] } : { statusCode: 404 };
          }),
        replace: (body: Record<string, unknown>) => attempt('replace', () => store(body)),
      }),
      items: {
        upsert: (body: Record<string, unknown>) => attempt('upsert', () => store(body)),
        create: (body: Record<string, unknown>) => attempt('create', () => store(body)),
      },
    };
    return { container: container as unknown as Container, calls };
  }

  it('given a 429 on the first attempt of each call, then saveRun, getRun and raiseWatermark still succeed', async () => {
    const { container, calls } = throttlingContainer();
    const store = cosmosFeedRunStore(container);
    const run: FeedRun = {
      id: '2026-11-25:v1:abcdefabcdef',
      businessDate: '2026-11-25',
      version: 1,
      sha256: 'ab'.repeat(32),
      file: 'transactions-2026-11-25.csv',
      rowCount: 1,
      status: 'VERIFYING',
      duplicateDrops: 0,
      createdAt: '2026-11-26T00:00:00.000Z',
      updatedAt: '2026-11-26T00:00:00.000Z',
    };
    await store.saveRun(run);
    expect(await store.getRun(run.businessDate, run.id)).toEqual(run);
    expect(await store.raiseWatermark('2026-11-25')).toBe('2026-11-25');
    expect(await store.raiseWatermark('2026-11-26')).toBe('2026-11-26');
    expect(await store.readWatermark()).toBe('2026-11-26');
    // each kind of call was throttled once and retried
    expect(calls.filter((c) => c === 'upsert')).toEqual(['upsert', 'upsert']);
    expect(calls.filter((c) => c === 'create')).toEqual(['create', 'create']);
    expect(calls.filter((c) => c === 'replace')).toEqual(['replace', 'replace']);
  });
});
