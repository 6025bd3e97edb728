import type { HttpResponseInit } from '@azure/functions';
import { z } from 'zod';
import { problem } from './problem';

/**
 * Continuation tokens of the HTTP API: base64url of `{ s: scope, v: value }`. The scope binds a token to
 * the listing (and filter) that issued it, so a token from another listing, a truncated one or plain
 * garbage is recognised here and answered 400 instead of reaching the store (where Cosmos would throw).
 */
const envelope = z.object({ s: z.string(), v: z.unknown() });

export function encodeContinuation(scope: string, value: unknown): string {
  return Buffer.from(JSON.stringify({ s: scope, v: value }), 'utf8').toString('base64url');
}

/** The value a token carries, or undefined when it was not issued for `scope` or does not fit `schema`. */
export function decodeContinuation<T>(scope: string, token: string, schema: z.ZodType<T>): T | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(token)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  const outer = envelope.safeParse(parsed);
  if (!outer.success || outer.data.s !== scope) return undefined;
  const inner = schema.safeParse(outer.data.v);
  return inner.success ? inner.data : undefined;
}

/** 400 for a continuation token the listing did not issue (garbage, truncated, another listing's or filter's). */
export function badContinuation(): HttpResponseInit {
  return problem(400, 'REQUEST.CONTINUATION_TOKEN', 'continuationToken was not issued by this listing', [
    { path: 'continuationToken', message: 'pass the continuationToken of the previous page unchanged' },
  ]);
}
