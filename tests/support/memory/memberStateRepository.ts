import { memberCampaignId } from '../../../src/adapters/documents/common';
import { nextMemberStateDoc, type MemberStateDoc } from '../../../src/adapters/documents/memberState';
import type { MemberStateCounts, MemberStateRepository } from '../../../src/adapters/ports';
import { MEMBER_STATES, type MemberState } from '../../../src/domain';

/** In-memory `memberStates`: the same write rule as Cosmos (`nextMemberStateDoc`), counts by a scan. */
export function memoryMemberStateRepository(): MemberStateRepository & { all(): MemberStateDoc[] } {
  const docs = new Map<string, MemberStateDoc>();
  return {
    all: () => [...docs.values()],
    async put(write) {
      const id = memberCampaignId(write.campaignId, write.memberId);
      const next = nextMemberStateDoc(docs.get(id), write);
      if (!next) return 'UNCHANGED';
      docs.set(id, next);
      return 'WRITTEN';
    },
    async get(campaignId, memberId) {
      return docs.get(memberCampaignId(campaignId, memberId));
    },
    async *listWatermarkWakes(campaignId, watermark, previous) {
      const ids = [...docs.values()]
        .filter(
          (d) =>
            d.campaignId === campaignId &&
            d.decision === null &&
            d.lastGraceDate !== undefined &&
            d.lastGraceDate <= watermark &&
            (d.waitingFor === 'WATERMARK_BEHIND' || d.lastGraceDate > (previous ?? '')),
        )
        .map((d) => d.memberId);
      if (ids.length > 0) yield ids;
    },
    async getMany(campaignId, memberIds) {
      return memberIds.flatMap((m) => docs.get(memberCampaignId(campaignId, m)) ?? []);
    },
    async counts(campaignId, filter = {}): Promise<MemberStateCounts> {
      const mine = [...docs.values()].filter(
        (d) =>
          d.campaignId === campaignId &&
          (filter.enrolledOn === undefined || d.enrolledOn === filter.enrolledOn),
      );
      const counts = Object.fromEntries(MEMBER_STATES.map((s) => [s, 0])) as Record<MemberState, number>;
      for (const d of mine) counts[d.state] += 1;
      return {
        members: mine.length,
        counts,
        atRisk: mine.filter((d) => d.atRisk).length,
        held: mine.filter((d) => d.held).length,
        rewardsPending: mine.filter((d) => d.rewardStatus === 'PENDING').length,
        rewardsNeedsReview: mine.filter((d) => d.rewardStatus === 'NEEDS_REVIEW').length,
      };
    },
  };
}
