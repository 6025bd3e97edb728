import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { z } from 'zod';
import { mapBounded } from '../../../adapters/concurrency';
import { writeMemberState } from '../../../app/notifyDrain';
import { MEMBER_ID_PATTERN } from '../../../domain';
import { readQuery } from '../body';
import { ledgerOf, type HttpDeps } from '../deps';
import { requireRole } from '../identity';
import { json } from '../problem';

const PARALLEL_MEMBERS = 16;

const rebuildQuery = z.object({
  after: z.string().regex(MEMBER_ID_PATTERN, 'a member id').optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(500),
});

/**
 * POST /api/ops/member-states/rebuild (role ops): recovery of the `memberStates` projection from the
 * member entities, one page of members (in id order, after `after`) per call, so each call stays well
 * inside the HTTP timeout; call again with `next` until it is null. Each document is written under the
 * entity's projection version, so a rebuild never overwrites a newer write of the notification dispatch.
 */
export async function opsRebuildMemberStates(
  request: HttpRequest,
  deps: HttpDeps,
): Promise<HttpResponseInit> {
  const caller = requireRole(request, 'ops');
  if (!caller.ok) return caller.response;
  const query = readQuery(request, rebuildQuery);
  if (!query.ok) return query.response;
  const { after, limit } = query.value;
  const { repos, settings, now } = deps.services;
  const campaignId = settings.campaign.campaignId;
  const ids = await repos.members.listIdsAfter(campaignId, limit, after);
  const outcomes = await mapBounded(ids, PARALLEL_MEMBERS, async (memberId) => {
    const [state, ledger] = await Promise.all([deps.client.readMember(memberId), ledgerOf(deps, memberId)]);
    if (!ledger) return 'NO_LEDGER' as const;
    return writeMemberState(deps, memberId, {
      ledger,
      buffered: [],
      ...(state?.projection ? { projection: state.projection } : {}),
    });
  });
  return json(200, {
    campaignId,
    asOf: now(),
    members: ids.length,
    written: outcomes.filter((o) => o === 'WRITTEN').length,
    next: ids.length === limit ? (ids.at(-1) ?? null) : null,
  });
}
