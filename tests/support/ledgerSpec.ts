import {
  addHold,
  addObservations,
  applyFeedBatch,
  decide,
  recordDecision,
  refreshCelebrations,
  type DecisionCheck,
  type Hold,
  type MemberLedger,
  type Observation,
} from '../../src/domain';

/** A change to a member's ledger, applied at a time (Given/When/Then, after Emmett's DeciderSpecification). */
export type Step = (ledger: MemberLedger) => MemberLedger;

const at = '2026-11-26T00:00:00.000Z';

export const realtime =
  (...observations: Observation[]): Step =>
  (l) =>
    refreshCelebrations(addObservations(l, observations), at);

export const feed =
  (businessDate: string, version: number, ...observations: Observation[]): Step =>
  (l) =>
    refreshCelebrations(applyFeedBatch(l, { businessDate, version, observations }), at);

export const hold =
  (h: Hold): Step =>
  (l) =>
    addHold(l, h);

/** Decides at `now` with `watermark` and records the decision if one was made. */
export const decided =
  (now: string, watermark: string): Step =>
  (l) => {
    const check = decide(l, now, watermark);
    return check.kind === 'DECIDED' ? refreshCelebrations(recordDecision(l, check.decision), now) : l;
  };

export function given(ledger: MemberLedger, ...steps: Step[]): MemberLedger {
  return steps.reduce((l, step) => step(l), ledger);
}

export function outcomeOf(check: DecisionCheck): string {
  return check.kind === 'DECIDED' ? check.decision.outcome : `NOT_YET:${check.reason}`;
}
