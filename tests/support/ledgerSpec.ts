import {
  decideMember,
  type DecisionCheck,
  type Hold,
  type MemberCommand,
  type MemberLedger,
  type Observation,
} from '../../src/domain';

/**
 * A change to a member's ledger (Given/When/Then, after Emmett's DeciderSpecification): each step is a
 * command decided by the domain's member decider (src/domain/memberDecider.ts), the same code the member
 * entity runs, so a step does exactly what the entity does (celebrations refreshed after every change).
 */
export type Step = (ledger: MemberLedger) => MemberLedger;

const at = '2026-11-26T00:00:00.000Z';

/** Decides `command` for an enrolled member and returns its ledger. */
export const when =
  (command: MemberCommand): Step =>
  (ledger) => {
    const { state, result } = decideMember({ ledger, buffered: [] }, command);
    if (!result.ok || !state.ledger) throw new Error(`${command.op} refused: ${JSON.stringify(result)}`);
    return state.ledger;
  };

export const realtime = (...observations: Observation[]): Step =>
  when({ op: 'applyRealtime', observations, at });

export const feed = (businessDate: string, version: number, ...observations: Observation[]): Step =>
  when({ op: 'applyFeedBatch', businessDate, version, observations, at });

export const hold = (h: Hold): Step => when({ op: 'hold', ...h, at });

/** Decides at `now` with `watermark` and records the decision if one was made. */
export const decided = (now: string, watermark: string): Step => when({ op: 'decide', now, watermark });

export function given(ledger: MemberLedger, ...steps: Step[]): MemberLedger {
  return steps.reduce((l, step) => step(l), ledger);
}

export function outcomeOf(check: DecisionCheck): string {
  return check.kind === 'DECIDED' ? check.decision.outcome : `NOT_YET:${check.reason}`;
}
