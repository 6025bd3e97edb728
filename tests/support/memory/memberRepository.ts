import { memberCampaignId } from '../../../src/adapters/documents/common';
import { parseStoredEnrolment, type StoredEnrolment } from '../../../src/adapters/documents/member';
import type { MemberRepository } from '../../../src/adapters/ports';

/** In-memory `MemberRepository` for unit tests of shells: same contract, no I/O. */
export function memoryMemberRepository(): MemberRepository & { all(): StoredEnrolment[] } {
  const docs = new Map<string, StoredEnrolment>();
  /** Ids of enrolments whose orchestration start is not confirmed (the flag `startPending`). */
  const startPending = new Set<string>();
  return {
    all: () => [...docs.values()],
    async create(input) {
      const enrolment = parseStoredEnrolment(input);
      const id = memberCampaignId(enrolment.campaignId, enrolment.memberId);
      const existing = docs.get(id);
      if (existing) return { created: false, existing };
      docs.set(id, enrolment);
      startPending.add(id);
      return { created: true, enrolment };
    },
    async get(campaignId, memberId) {
      return docs.get(memberCampaignId(campaignId, memberId));
    },
    async *listIdsByCampaign(campaignId, pageSize = 1000) {
      const ids = [...docs.values()].filter((d) => d.campaignId === campaignId).map((d) => d.memberId);
      for (let i = 0; i < ids.length; i += pageSize) yield ids.slice(i, i + pageSize);
    },
    async listIdsAfter(campaignId, limit, after) {
      return [...docs.values()]
        .filter((d) => d.campaignId === campaignId && d.memberId > (after ?? ''))
        .map((d) => d.memberId)
        .sort()
        .slice(0, limit);
    },
    async listDueForEvaluation(campaignId, nowIso, limit = 100, after) {
      const now = new Date(nowIso).toISOString();
      const key = (d: { evaluationAt: string; memberId: string }) => `${d.evaluationAt}|${d.memberId}`;
      return [...docs.values()]
        .filter((d) => d.campaignId === campaignId && d.window.evaluationAt <= now && !d.decidedAt)
        .map((d) => ({ memberId: d.memberId, evaluationAt: d.window.evaluationAt }))
        .filter((d) => !after || key(d) > key(after))
        .sort((a, b) => key(a).localeCompare(key(b)))
        .slice(0, limit);
    },
    async listStartPending(campaignId, limit = 100, after) {
      return [...docs.values()]
        .filter((d) => d.campaignId === campaignId && !d.decidedAt && d.memberId > (after ?? ''))
        .map((d) => d.memberId)
        .filter((memberId) => startPending.has(memberCampaignId(campaignId, memberId)))
        .sort()
        .slice(0, limit);
    },
    async markStarted(campaignId, memberId) {
      startPending.delete(memberCampaignId(campaignId, memberId));
    },
    async markDecided(campaignId, memberId, decidedAt) {
      const id = memberCampaignId(campaignId, memberId);
      const doc = docs.get(id);
      if (doc && !doc.decidedAt) docs.set(id, { ...doc, decidedAt: new Date(decidedAt).toISOString() });
    },
  };
}
