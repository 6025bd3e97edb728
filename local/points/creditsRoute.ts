import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { creditRequestSchema } from './contract';
import type { CreditStore } from './creditStore';
import { drawFault, type Faults } from './faults';
import { parseJson, readBody, sendJson, delayUnlessClosed } from './http';

export interface CreditStats {
  requests: number;
  created: number;
  replayed: number;
  conflicts: number;
  refused: number;
  injectedErrors: number;
  commitThenTimeouts: number;
}

export const emptyStats = (): CreditStats => ({
  requests: 0,
  created: 0,
  replayed: 0,
  conflicts: 0,
  refused: 0,
  injectedErrors: 0,
  commitThenTimeouts: 0,
});

export interface CreditsRouteDeps {
  store: CreditStore;
  faults: () => Faults;
  random: () => number;
  unknownMember: RegExp;
  stats: CreditStats;
}

/**
 * `POST /members/{memberId}/credits` per SPEC §7: 201 first, 200 replay of the original credit, 409 same
 * key with another body, 404 unknown member, 422 invalid body, 400 without an Idempotency-Key. Faults
 * are drawn per request: an injected error commits nothing; commit-then-timeout commits, then hangs or
 * resets the connection.
 */
export async function handleCredit(
  req: IncomingMessage,
  res: ServerResponse,
  memberId: string,
  deps: CreditsRouteDeps,
): Promise<void> {
  const { stats } = deps;
  stats.requests++;
  const faults = deps.faults();
  if (faults.latencyMs > 0 && !(await delayUnlessClosed(res, faults.latencyMs))) return;
  const fault = drawFault(faults, deps.random);
  if (fault.kind === 'ERROR') {
    stats.injectedErrors++;
    const headers: Record<string, string> = fault.status === 429 ? { 'retry-after': '1' } : {};
    return sendJson(
      res,
      fault.status,
      { code: 'INJECTED_FAULT', message: `stand-in fault ${fault.status}` },
      headers,
    );
  }
  const key = req.headers['idempotency-key'];
  if (typeof key !== 'string' || key.trim() === '') {
    return sendJson(res, 400, {
      code: 'IDEMPOTENCY_KEY_MISSING',
      message: 'Idempotency-Key header is required',
    });
  }
  const text = await readBody(req);
  const json = text === undefined ? { ok: false as const } : parseJson(text);
  const body = json.ok ? creditRequestSchema.safeParse(json.value) : undefined;
  if (!body?.success) {
    stats.refused++;
    const message = body ? z.prettifyError(body.error) : 'body must be JSON of at most 64 KiB';
    return sendJson(res, 422, { code: 'INVALID_BODY', message });
  }
  if (deps.unknownMember.test(memberId)) {
    stats.refused++;
    return sendJson(res, 404, { code: 'MEMBER_NOT_FOUND', message: `no loyalty member ${memberId}` });
  }
  const outcome = deps.store.commit({ key, memberId, ...body.data });
  if (outcome.kind === 'MISMATCH') {
    stats.conflicts++;
    return sendJson(res, 409, {
      code: 'IDEMPOTENCY_KEY_REUSED',
      message: 'Idempotency-Key reused with a different request',
    });
  }
  if (outcome.kind === 'CREATED') stats.created++;
  else stats.replayed++;
  const status = outcome.kind === 'CREATED' ? 201 : 200;
  if (fault.kind === 'COMMIT_THEN_DESTROY') {
    stats.commitThenTimeouts++;
    res.socket?.destroy();
    return;
  }
  if (fault.kind === 'COMMIT_THEN_HANG') {
    stats.commitThenTimeouts++;
    const timer = setTimeout(() => sendJson(res, status, outcome.credit), fault.ms);
    res.on('close', () => clearTimeout(timer));
    return;
  }
  sendJson(res, status, outcome.credit);
}
