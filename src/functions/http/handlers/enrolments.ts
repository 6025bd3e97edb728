import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { z } from 'zod';
import { instanceIdOf } from '../../../app/enrolments';
import { createEnrolment, MEMBER_ID_PATTERN, type Enrolment } from '../../../domain';
import { readJson } from '../body';
import type { HttpDeps } from '../deps';
import { requireRole } from '../identity';
import { json, problem } from '../problem';
import { wakeNotifyFor } from '../../../app/notifyWake';

const enrolmentBody = z.object({
  memberId: z.string().regex(MEMBER_ID_PATTERN, 'must be 1-64 letters, digits, - or _'),
  enrolledAt: z.iso
    .datetime({ offset: true, message: 'must be an ISO-8601 instant with an offset' })
    .optional(),
});

/**
 * POST /api/enrolments (role `enrolment`): idempotent. The enrolment is stored first (the real-time
 * stream and the feed look members up there), then the campaign is started and the entity enrolled;
 * a retry after a crash in between completes the missing steps (and the sweep does, by `startPending`).
 */
export async function enrol(request: HttpRequest, deps: HttpDeps): Promise<HttpResponseInit> {
  const caller = requireRole(request, 'enrolment');
  if (!caller.ok) return caller.response;
  const body = await readJson(request, enrolmentBody);
  if (!body.ok) return body.response;

  const { settings, repos, now } = deps.services;
  const receivedAt = now();
  const candidate = createEnrolment(body.value, receivedAt, settings.campaign);
  let enrolment: Enrolment;
  let created = false;
  if (candidate.ok) {
    const stored = await repos.members.create(candidate.value);
    enrolment = stored.created ? stored.enrolment : stored.existing;
    created = stored.created;
  } else {
    // A repeated enrolment returns the first whatever enrolledAt it carries (SPEC §8): a retry arriving
    // after the back-date limit must not be refused as if the member had never been enrolled.
    const existing = await repos.members.get(settings.campaign.campaignId, body.value.memberId);
    if (!existing) return problem(422, candidate.code, candidate.detail);
    enrolment = existing;
  }
  // Stored with `startPending` until the campaign is started: the sweep starts a flagged enrolment whose
  // start was lost (a crash here), long before evaluationAt.
  await deps.client.ensureCampaign(enrolment);
  await repos.members.markStarted(enrolment.campaignId, enrolment.memberId);
  await deps.client.signalMember(enrolment.memberId, 'enrol', {
    enrolment: withoutDecision(enrolment),
    at: receivedAt,
  });
  await wakeNotifyFor(deps.client, [enrolment.memberId]); // enrolment replays signals that came first
  return json(created ? 201 : 200, enrolmentBodyOf(enrolment));
}

function withoutDecision(enrolment: Enrolment & { decidedAt?: string }): Enrolment {
  const { decidedAt: _decidedAt, ...rest } = enrolment;
  return rest;
}

export function enrolmentBodyOf(enrolment: Enrolment) {
  return {
    memberId: enrolment.memberId,
    campaignId: enrolment.campaignId,
    enrolledAt: enrolment.enrolledAt,
    windowClosesAt: enrolment.window.windowClosesAt,
    evaluationAt: enrolment.window.evaluationAt,
    lastGraceDate: enrolment.window.lastGraceDate,
    instanceId: instanceIdOf(enrolment),
  };
}
