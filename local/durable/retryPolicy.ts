import type { RetryOptionsWire } from './wire';

/**
 * Delay before the retry that follows failed attempt `failedAttempt` (1-based), as DurableTask.Core's
 * RetryInterceptor computes it: `firstRetryInterval * backoffCoefficient^(failedAttempt - 1)`, capped at
 * `maxRetryInterval` (unset or <= 0 means no cap). `retryTimeout` is not applied: the SDK's RetryableTask
 * always waits for a timer after a failed attempt, so stopping early would hang the orchestration.
 */
export function retryDelayMs(options: RetryOptionsWire, failedAttempt: number): number {
  const coefficient = options.backoffCoefficient ?? 1;
  const delay = options.firstRetryIntervalInMilliseconds * coefficient ** (failedAttempt - 1);
  const cap = options.maxRetryIntervalInMilliseconds;
  return cap !== undefined && cap > 0 && delay >= cap ? cap : delay;
}
