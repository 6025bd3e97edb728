import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { z } from 'zod';
import { instanceIdOf } from '../../../app/enrolments';
import {
  MEMBER_ID_PATTERN,
  MAX_CONTRADICTIONS,
  type Contradiction,
  explainTimeline,
  newLedger,
  progressView,
} from '../../../domain';
import { InvalidContinuationError, type QuarantinePage } from '../../../adapters/ports';
import { idempotencyKeyOf } from '../../../adapters/points/contract';
import { queryDate, readQuery } from '../body';
import { badContinuation, decodeContinuation, encodeContinuation } from '../continuation';
import type { HttpDeps } from '../deps';
import { requireRole } from '../identity';
import { json, problem } from '../problem';
import { wakeNotifyFor } from '../../../app/notifyWake';

function memberIdParam(request: HttpRequest): string | HttpResponseInit {
  const memberId = request.params.memberId ?? '';
  return MEMBER_ID_PATTERN.test(memberId)
    ? memberId
    : problem(400, 'REQUEST.VALIDATION', 'memberId is not a valid member id', [
        { path: 'memberId', message: 'invalid member id' },
      ]);
}

/** GET /api/ops/members/{memberId}: the member's full ledger, state, decision and orchestration. */
export async function opsMember(request: HttpRequest, deps: HttpDeps): Promise<HttpResponseInit> {
  const caller = requireRole(request, 'ops');
  if (!caller.ok) return caller.response;
  const memberId = memberIdParam(request);
  if (typeof memberId !== 'string') return memberId;
  const { repos, settings, now } = deps.services;
  const campaignId = settings.campaign.campaignId;
  const enrolment = await repos.members.get(campaignId, memberId);
  if (!enrolment) return problem(404, 'MEMBER.NOT_ENROLLED', `member ${memberId} is not enrolled`);
  const [state, ledger, reward, orchestration, quarantined, conflicts] = await Promise.all([
    deps.client.readMember(memberId),
    repos.ledger.listByMember(memberId),
    repos.rewards.get(campaignId, memberId),
    deps.client.status(instanceIdOf(enrolment)),
    repos.quarantine.listByMember(memberId, MAX_CONTRADICTIONS),
    quarantinedContradictions(deps, memberId),
  ]);
  const memberLedger = state?.ledger ?? newLedger(enrolment);
  const at = now();
  return json(200, {
    memberId,
    enrolment,
    progress: progressView(memberLedger, at),
    ledger,
    timeline: explainTimeline(memberLedger, at),
    holds: Object.values(memberLedger.holds),
    celebrations: memberLedger.celebrations,
    contradictions: [...memberLedger.contradictions, ...conflicts],
    decision: memberLedger.decision,
    reward: reward ?? null,
    idempotencyKey: idempotencyKeyOf(campaignId, memberId),
    quarantined,
    orchestration: orchestration
      ? {
          instanceId: orchestration.instanceId,
          runtimeStatus: orchestration.runtimeStatus,
          customStatus: orchestration.customStatus,
        }
      : null,
  });
}

const CONTRADICTION_CODES = ['LEDGER.TYPE_MISMATCH', 'LEDGER.MEMBER_MISMATCH', 'TX.BODY_CONFLICT'] as const;

/**
 * What the shells quarantined before the entity saw it (a ledger conflict of member or type, the same
 * message with another body), queried by code so the member's other quarantined rows cannot crowd them out;
 * with what the entity recorded, ops see every contradiction of the member in one list.
 */
async function quarantinedContradictions(deps: HttpDeps, memberId: string): Promise<Contradiction[]> {
  const pages = await Promise.all(
    CONTRADICTION_CODES.map((reason) =>
      deps.services.repos.quarantine.list({ memberId, reason, limit: MAX_CONTRADICTIONS }),
    ),
  );
  return pages
    .flatMap((page) => page.items)
    .filter((q) => q.transactionId)
    .map((q) => ({ transactionId: q.transactionId ?? '', detail: `${q.reason}: ${q.detail}` }));
}

/**
 * POST /api/ops/members/{memberId}/redrive: releases quarantine holds, wakes the member's running
 * campaign (a `recheck` event) and restarts it if it is not running. Never changes a decision (the entity keeps it) and never bypasses the
 * watermark (the decision rule checks it).
 */
export async function opsRedrive(request: HttpRequest, deps: HttpDeps): Promise<HttpResponseInit> {
  const caller = requireRole(request, 'ops');
  if (!caller.ok) return caller.response;
  const memberId = memberIdParam(request);
  if (typeof memberId !== 'string') return memberId;
  const { repos, settings, now } = deps.services;
  const enrolment = await repos.members.get(settings.campaign.campaignId, memberId);
  if (!enrolment) return problem(404, 'MEMBER.NOT_ENROLLED', `member ${memberId} is not enrolled`);
  const held = Object.values((await deps.client.readMember(memberId))?.ledger?.holds ?? {});
  await deps.client.signalMember(memberId, 'releaseHolds', { at: now() });
  await wakeNotifyFor(deps.client, [memberId]);
  // the quarantined rows behind the released holds are resolved, by this re-drive and who asked for it
  const at = now();
  for (const hold of held)
    await repos.quarantine.resolve(
      hold.ref,
      `released by re-drive of ${memberId} (ops ${caller.value.id})`,
      at,
    );
  const action = await deps.client.ensureCampaign(enrolment, { restartIfIdle: true });
  // A running instance waiting for its decision wakes now, releases the holds itself (so the release
  // reaches the entity before its decision check) and decides; a v1 instance finds it on its next check.
  if (action === 'RUNNING')
    await deps.client.wakeCampaign(enrolment, { by: 'REDRIVE', at: now(), releaseHolds: true });
  return json(202, { memberId, action, instanceId: instanceIdOf(enrolment) });
}

const funnelQuery = z.object({ enrolledOn: queryDate.optional() });

/**
 * GET /api/ops/funnel: members per state, at risk, held, rewards pending or needing review, from the
 * `memberStates` projection in one aggregate query (no member entity is read, whatever the cohort), and
 * the dead letters of the transactions queue where the host can count them. `?enrolledOn=` narrows the
 * counts to one local day of enrolment (still one aggregate); dead letters are the queue's, whatever the day.
 */
export async function opsFunnel(request: HttpRequest, deps: HttpDeps): Promise<HttpResponseInit> {
  const caller = requireRole(request, 'ops');
  if (!caller.ok) return caller.response;
  const query = readQuery(request, funnelQuery);
  if (!query.ok) return query.response;
  const { enrolledOn } = query.value;
  const { repos, settings, now, deadLetters } = deps.services;
  const campaignId = settings.campaign.campaignId;
  const [projected, dead] = await Promise.all([
    repos.memberStates.counts(campaignId, { enrolledOn }),
    deadLetters ? deadLetters.count() : Promise.resolve(null),
  ]);
  return json(200, {
    campaignId,
    asOf: now(),
    source: 'memberStates',
    enrolledOn: enrolledOn ?? null,
    members: projected.members,
    counts: projected.counts,
    atRisk: projected.atRisk,
    held: projected.held,
    rewards: { pending: projected.rewardsPending, needsReview: projected.rewardsNeedsReview },
    deadLetters: dead,
  });
}

const flag = z.enum(['true', 'false']);
const quarantineQuery = z
  .object({
    source: z.enum(['REALTIME', 'FEED']).optional(),
    reason: z
      .string()
      .regex(/^[A-Z][A-Z0-9_]*(\.[A-Z0-9_]+)*$/, 'a reason code, e.g. TX.BAD_AUD_AMOUNT')
      .max(64)
      .optional(),
    memberId: z.string().min(1).max(64).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
    continuationToken: z.string().min(1).optional(),
    unresolvedOnly: flag.optional(),
    resolvedOnly: flag.default('false'),
  })
  .refine((q) => !(q.resolvedOnly === 'true' && q.unresolvedOnly === 'true'), {
    path: ['resolvedOnly'],
    message: 'cannot be combined with unresolvedOnly=true',
  });

/**
 * GET /api/ops/quarantine: rejected messages and feed rows, paged, narrowed by source, exact reason code,
 * member and resolution in the store's query (so a filter reaches every matching item, not only the
 * newest page). The store's own continuation is wrapped in a token bound to the filter, so a garbage or
 * foreign token is a 400, never a 500 from Cosmos.
 */
export async function opsQuarantine(request: HttpRequest, deps: HttpDeps): Promise<HttpResponseInit> {
  const caller = requireRole(request, 'ops');
  if (!caller.ok) return caller.response;
  const query = readQuery(request, quarantineQuery);
  if (!query.ok) return query.response;
  const { source, reason, memberId, limit, continuationToken, unresolvedOnly, resolvedOnly } = query.value;
  const resolution =
    resolvedOnly === 'true' ? 'RESOLVED' : (unresolvedOnly ?? 'true') === 'true' ? 'UNRESOLVED' : undefined;
  const scope =
    `ops/quarantine?source=${source ?? ''}&unresolvedOnly=${unresolvedOnly ?? 'true'}` +
    (reason ? `&reason=${reason}` : '') +
    (memberId ? `&memberId=${encodeURIComponent(memberId)}` : '') +
    (resolvedOnly === 'true' ? '&resolvedOnly=true' : '');
  const continuation = continuationToken
    ? decodeContinuation(scope, continuationToken, z.string().min(1))
    : undefined;
  if (continuationToken && !continuation) return badContinuation();
  let page: QuarantinePage;
  try {
    page = await deps.services.repos.quarantine.list({
      limit,
      ...(source ? { source } : {}),
      ...(reason ? { reason } : {}),
      ...(memberId ? { memberId } : {}),
      ...(resolution ? { resolution } : {}),
      ...(continuation ? { continuation } : {}),
    });
  } catch (error) {
    // a token of the right listing whose inner store token was forged or corrupted
    if (error instanceof InvalidContinuationError) return badContinuation();
    throw error;
  }
  return json(200, {
    items: page.items,
    ...(page.continuation ? { continuationToken: encodeContinuation(scope, page.continuation) } : {}),
  });
}
