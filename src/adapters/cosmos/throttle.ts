import { cosmosStatus, retryAfterMs } from './errors';

export interface ThrottleOptions {
  /** Total attempts including the first. */
  maxAttempts: number;
  /** Cap on any single wait, whatever the server asks for. */
  maxWaitMs: number;
  sleep: (ms: number) => Promise<void>;
}

export const DEFAULT_THROTTLE: ThrottleOptions = {
  maxAttempts: 4,
  maxWaitMs: 5_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * Runs a Cosmos operation, retrying 429s after the server's `retry-after` (capped), at most
 * `maxAttempts` times; then the 429 is thrown, as is every other error, for the trigger's own retry.
 */
export async function withThrottleRetry<T>(
  operation: () => Promise<T>,
  options: ThrottleOptions = DEFAULT_THROTTLE,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (cosmosStatus(error) !== 429 || attempt >= options.maxAttempts) throw error;
      const wait = Math.min(retryAfterMs(error) ?? 100 * 2 ** attempt, options.maxWaitMs);
      await options.sleep(wait);
    }
  }
}
