import { mapBounded } from '../adapters/concurrency';
import type { MemberStateRepository } from '../adapters/ports';
import type { RecheckEvent } from '../orchestrators/memberCampaignInput';
import type { CampaignClient } from './campaignClient';

// A waiting `memberCampaign_v2` instance asks for its decision again only when woken (docs/flows.md § 4):
// the feed run that covers its last grace date, a correction that touched it, a re-drive, or the sweep.

const WAKE_CONCURRENCY = 16;

export interface WakeDeps {
  memberStates: Pick<MemberStateRepository, 'listWatermarkWakes' | 'getMany'>;
  client: Pick<CampaignClient, 'wakeCampaign'>;
  campaignId: string;
  now: () => string;
}

/** What a completed feed run changed: the watermark before and after it, and the members a correction touched. */
export interface RunChange {
  previousWatermark: string | null;
  watermark: string | null;
  corrected: readonly string[];
}

/**
 * Wakes the campaigns a completed feed run concerns: the undecided members whose last grace date its
 * watermark now covers (found by a query over `memberStates`, never a read of every member), and the
 * members of a correction whose projection shows them waiting. Returns how many were woken.
 */
export async function wakeAfterFeedRun(deps: WakeDeps, change: RunChange): Promise<number> {
  let woken = 0;
  const wake = async (memberIds: readonly string[], by: RecheckEvent['by']) => {
    const event: RecheckEvent = { by, at: deps.now() };
    const raised = await mapBounded(memberIds, WAKE_CONCURRENCY, (memberId) =>
      deps.client.wakeCampaign({ campaignId: deps.campaignId, memberId }, event),
    );
    woken += raised.filter(Boolean).length;
  };
  const seen = new Set<string>();
  if (change.watermark !== null) {
    const pages = deps.memberStates.listWatermarkWakes(
      deps.campaignId,
      change.watermark,
      change.previousWatermark,
    );
    for await (const page of pages) {
      page.forEach((m) => seen.add(m));
      await wake(page, 'WATERMARK');
    }
  }
  const touched = [...new Set(change.corrected)].filter((m) => !seen.has(m)).sort();
  if (touched.length > 0) {
    const docs = await deps.memberStates.getMany(deps.campaignId, touched);
    await wake(
      docs.filter((d) => d.decision === null && d.waitingFor !== null).map((d) => d.memberId),
      'CORRECTION',
    );
  }
  return woken;
}
