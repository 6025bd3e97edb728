/** The HTTP status of an error thrown by the Cosmos SDK, if it carries one. */
export function cosmosStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code =
    (error as { code?: unknown; statusCode?: unknown }).code ??
    (error as { statusCode?: unknown }).statusCode;
  return typeof code === 'number' ? code : undefined;
}

/** 409: a deterministic id or unique key already exists, i.e. the write was already done. */
export const isConflict = (error: unknown): boolean => cosmosStatus(error) === 409;

/** 412: the document changed since it was read (ETag mismatch); read again and retry. */
export const isPreconditionFailed = (error: unknown): boolean => cosmosStatus(error) === 412;

export const isNotFound = (error: unknown): boolean => cosmosStatus(error) === 404;

/** The server's requested back-off on a 429, in milliseconds. */
export function retryAfterMs(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const value = (error as { retryAfterInMs?: unknown }).retryAfterInMs;
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** Thrown when optimistic concurrency keeps losing: transient, so the caller rethrows and is retried. */
export class ContentionError extends Error {
  constructor(what: string, attempts: number) {
    super(`${what}: still contended after ${attempts} attempts`);
    this.name = 'ContentionError';
  }
}
