import {
  addObservations,
  addHold,
  decide,
  markProjection,
  noteWaiting,
  projectMember,
  recordDecision,
} from '../../src/domain';
import { ledgerFor, obs } from '../support/domainBuilders';

// The member entity raises its projection version exactly when what memberStates shows changes, judged at
// the latest instant it knows; an operation that changes nothing must leave the entity as it was.
describe('markProjection', () => {
  const enrolled = ledgerFor();
  const evaluationAt = enrolled.enrolment.window.evaluationAt;
  const after = new Date(Date.parse(evaluationAt) + 60_000).toISOString();

  it('starts at version 1, and an operation that changes nothing leaves the mark identical', () => {
    // Given an enrolled member's first mark
    const first = markProjection(undefined, enrolled, enrolled.enrolment.enrolledAt);
    expect(first).toMatchObject({ changed: true, mark: { version: 1 } });

    // When the same ledger is seen again, later but before evaluationAt
    const again = markProjection(first.mark, enrolled, '2026-12-01T00:00:00.000Z');

    // Then nothing changed, not even the instant
    expect(again).toEqual({ changed: false, mark: first.mark });
  });

  it('raises the version when the state changes, and once when evaluationAt is crossed with a hold', () => {
    // Given a member at the target, held by a quarantined row
    const loaded = addObservations(enrolled, [
      obs({ cents: 100_000, initiatedAt: '2026-11-25T00:00:00.000Z' }),
    ]);
    const held = addHold(loaded, {
      ref: 'Q-1',
      businessDate: '2026-11-26',
      version: 1,
      reason: 'FEED.BAD_ROW',
    });
    const m1 = markProjection(undefined, enrolled).mark;
    const m2 = markProjection(m1, held);
    expect(m2).toMatchObject({ changed: true, mark: { version: 2 } });
    expect(projectMember(held, m2.mark.at).state).toBe('PENDING_REWARD');

    // When the decision check runs past evaluationAt (the ledger unchanged: the member waits)
    const m3 = markProjection(m2.mark, held, after);

    // Then the held state is seen then, once; later checks change nothing
    expect(m3).toMatchObject({ changed: true, mark: { version: 3, at: after } });
    expect(JSON.parse(m3.mark.shown)).toMatchObject({ state: 'NEEDS_REVIEW', held: true });
    const later = new Date(Date.parse(after) + 3_600_000).toISOString();
    expect(markProjection(m3.mark, held, later)).toEqual({ changed: false, mark: m3.mark });
  });
});

describe('the wait the projection shows (issue 13.1)', () => {
  const enrolled = ledgerFor();
  const { evaluationAt, lastGraceDate } = enrolled.enrolment.window;
  const after = new Date(Date.parse(evaluationAt) + 60_000).toISOString();
  const later = new Date(Date.parse(evaluationAt) + 86_400_000).toISOString();

  it('records what a check after evaluationAt waits for, keeps since while the reason stays, clears on decision', () => {
    // Given a check before evaluationAt, then checks after it with the watermark behind
    const before = noteWaiting(
      enrolled,
      decide(enrolled, '2026-12-01T00:00:00.000Z', null),
      '2026-12-01T00:00:00.000Z',
    );
    expect(projectMember(before, after)).toMatchObject({
      waitingFor: null,
      waitingSince: null,
      lastGraceDate,
    });
    const behind = noteWaiting(enrolled, decide(enrolled, after, null), after);
    const again = noteWaiting(behind, decide(behind, later, null), later);

    // Then the first wait is shown with its start, and a repeated check changes nothing
    expect(projectMember(behind, after)).toMatchObject({
      waitingFor: 'WATERMARK_BEHIND',
      waitingSince: after,
    });
    expect(again).toBe(behind);

    // When the watermark catches up but a hold remains, the reason and its start change
    const held = addHold(behind, {
      ref: 'Q-1',
      businessDate: lastGraceDate,
      version: 1,
      reason: 'FEED.BAD_ROW',
    });
    const holding = noteWaiting(held, decide(held, later, lastGraceDate), later);
    expect(projectMember(holding, later)).toMatchObject({
      waitingFor: 'QUARANTINE_HOLD',
      waitingSince: later,
    });

    // And once decided, nothing is shown waiting
    const check = decide(behind, later, lastGraceDate);
    if (check.kind !== 'DECIDED') throw new Error('expected a decision');
    const decided = recordDecision(behind, check.decision);
    expect(projectMember(decided, later)).toMatchObject({ waitingFor: null, waitingSince: null });
  });
});
