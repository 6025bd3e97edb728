import type { RewardRecord } from './ledger';

/** The points system's final answers (SPEC §6), defined once: the `rewards` document records which one. */
export const ISSUE_OUTCOMES = ['ISSUED', 'REPLAYED', 'CONFLICT', 'REFUSED'] as const;
export type IssueOutcomeKind = (typeof ISSUE_OUTCOMES)[number];

/** The points system's final answer, as a value (transient failures are thrown so the retry policy acts). */
export type IssueOutcome =
  { kind: 'ISSUED' | 'REPLAYED'; creditId: string } | { kind: 'CONFLICT' | 'REFUSED'; detail: string };

/** 201 and the 200 replay both mean the points are credited; 409 and 404/422 need a person. */
export function rewardFrom(outcome: IssueOutcome, points: number, at: string): RewardRecord {
  switch (outcome.kind) {
    case 'ISSUED':
    case 'REPLAYED':
      return { status: 'ISSUED', points, attempts: 1, issuedAt: at, creditId: outcome.creditId };
    case 'CONFLICT':
    case 'REFUSED':
      return { status: 'NEEDS_REVIEW', points, attempts: 1, lastError: `${outcome.kind}: ${outcome.detail}` };
    default: {
      const unreachable: never = outcome;
      throw new Error(`unknown outcome ${JSON.stringify(unreachable)}`);
    }
  }
}
