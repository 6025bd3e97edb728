import { memberCampaignId } from '../../../src/adapters/documents/common';
import { applyIssuancePatch, rewardDocSchema, type RewardDoc } from '../../../src/adapters/documents/reward';
import type { RewardRepository } from '../../../src/adapters/ports';

/** In-memory `RewardRepository`: written once, issuance patched by the same pure rule as Cosmos. */
export function memoryRewardRepository(): RewardRepository & { all(): RewardDoc[] } {
  const docs = new Map<string, RewardDoc>();
  return {
    all: () => [...docs.values()],
    async recordDecision(input) {
      const doc = rewardDocSchema.parse(input);
      const id = memberCampaignId(doc.campaignId, doc.memberId);
      if (docs.has(id)) return 'ALREADY_DONE';
      const issuance =
        doc.decision === 'QUALIFIED' && !doc.issuance
          ? { status: 'PENDING' as const, attempts: 0, updatedAt: doc.decidedAt }
          : doc.issuance;
      docs.set(id, { ...doc, ...(issuance ? { issuance } : {}) });
      return 'RECORDED';
    },
    async get(campaignId, memberId) {
      return docs.get(memberCampaignId(campaignId, memberId));
    },
    async updateIssuance(campaignId, memberId, patch) {
      const id = memberCampaignId(campaignId, memberId);
      const current = docs.get(id);
      if (!current) return 'NOT_FOUND';
      const next = applyIssuancePatch(current, patch);
      if (!next) return 'UNCHANGED';
      docs.set(id, next);
      return 'UPDATED';
    },
    async listStuck(campaignId, olderThanIso, limit = 100, after) {
      const cutoff = new Date(olderThanIso).toISOString();
      const key = (d: { decidedAt: string; memberId: string }) => `${d.decidedAt}|${d.memberId}`;
      return [...docs.values()]
        .filter(
          (d) => d.campaignId === campaignId && d.issuance?.status === 'PENDING' && d.decidedAt <= cutoff,
        )
        .filter((d) => !after || key(d) > key(after))
        .sort((a, b) => key(a).localeCompare(key(b)))
        .slice(0, limit);
    },
  };
}
