import type { CampaignClient } from '../../app/campaignClient';
import type { Services } from '../../app/services';
import type { MemberLedger } from '../../domain';
import { newLedger } from '../../domain';

export interface HttpDeps {
  services: Services;
  client: CampaignClient;
}

/**
 * The member's ledger: the entity's state, or, in the moment between enrolment and the entity's first
 * operation, a fresh ledger from the stored enrolment. Undefined when the member is not enrolled.
 */
export async function ledgerOf(deps: HttpDeps, memberId: string): Promise<MemberLedger | undefined> {
  const state = await deps.client.readMember(memberId);
  if (state?.ledger) return state.ledger;
  const enrolment = await deps.services.repos.members.get(
    deps.services.settings.campaign.campaignId,
    memberId,
  );
  return enrolment ? newLedger(enrolment) : undefined;
}
