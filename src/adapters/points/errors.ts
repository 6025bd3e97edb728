/**
 * A failure worth retrying: 429, 5xx, timeout, network error or an unreadable success. Thrown (not
 * returned) so durable retry policies act; the Idempotency-Key makes every retry safe.
 */
export class TransientPointsError extends Error {
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(message: string, options: { status?: number; retryAfterMs?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TransientPointsError';
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** Works across the durable boundary too, where only the name survives in the message. */
export function isTransientPointsError(error: unknown): boolean {
  if (error instanceof TransientPointsError) return true;
  return (
    error instanceof Error &&
    (error.name === 'TransientPointsError' || error.message.includes('TransientPointsError'))
  );
}
