import { withThrottleRetry, type ThrottleOptions } from '../../src/adapters/cosmos/throttle';
import { cosmosStatus } from '../../src/adapters/cosmos/errors';

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
