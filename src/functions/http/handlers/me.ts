import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { acknowledge, CELEBRATION_KINDS, progressView, type CelebrationKind } from '../../../domain';
import { ledgerOf, type HttpDeps } from '../deps';
import { requireMember } from '../identity';
import { json, problem } from '../problem';

const notEnrolled = () => problem(404, 'MEMBER.NOT_ENROLLED', 'you are not enrolled in this campaign');

/** GET /api/me/progress: the caller's own progress; the member id comes from the principal only. */
export async function myProgress(request: HttpRequest, deps: HttpDeps): Promise<HttpResponseInit> {
  const caller = requireMember(request);
  if (!caller.ok) return caller.response;
  const ledger = await ledgerOf(deps, caller.value);
  if (!ledger) return notEnrolled();
  return json(200, progressView(ledger, deps.services.now()), { 'cache-control': 'no-store' });
}

/** POST /api/me/celebrations/{kind}/ack: acknowledges a shown celebration (idempotent). */
export async function acknowledgeCelebration(
  request: HttpRequest,
  deps: HttpDeps,
): Promise<HttpResponseInit> {
  const caller = requireMember(request);
  if (!caller.ok) return caller.response;
  const kind = request.params.kind ?? '';
  if (!(CELEBRATION_KINDS as readonly string[]).includes(kind)) {
    return problem(400, 'REQUEST.VALIDATION', `kind must be one of ${CELEBRATION_KINDS.join(', ')}`, [
      { path: 'kind', message: `must be one of ${CELEBRATION_KINDS.join(', ')}` },
    ]);
  }
  const ledger = await ledgerOf(deps, caller.value);
  if (!ledger) return notEnrolled();
  const at = deps.services.now();
  const acked = acknowledge(ledger, kind as CelebrationKind, at);
  if (!acked.ok) return problem(409, acked.code, acked.detail);
  await deps.client.signalMember(caller.value, 'acknowledge', { kind, at });
  return json(200, progressView(acked.value, at));
}
