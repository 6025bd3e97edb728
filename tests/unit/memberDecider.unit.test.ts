import {
  decideMember,
  EMPTY_STATE,
  MAX_BUFFERED,
  parseMemberCommand,
  type MemberCommand,
  type MemberEntityState,
} from '../../src/domain';
import { fed, ledgerFor, obs } from '../support/domainBuilders';

// The member decider (issue 10.1): Given a member's state, When a command, Then its state, result and
// effects. The member entity runs exactly this (src/entities/member.ts only parses, sets and sends).

const enrolment = ledgerFor().enrolment; // enrolled 2026-11-25 09:00 Sydney; L = 2026-12-30
const L = enrolment.window.lastGraceDate;
const ENROLLED = new Date(enrolment.enrolledAt).toISOString();
const IN_WINDOW = '2026-12-01T00:00:00.000Z';
const EVAL = enrolment.window.evaluationAt;
const AFTER_EVAL = '2026-12-31T00:00:00.000Z';
const notificationId = (kind: string, epoch = 1) => `${enrolment.campaignId}:M-1:${kind}:${epoch}`;

const enrol: MemberCommand = { op: 'enrol', enrolment, at: ENROLLED };
const targetLoad = obs({ id: 'T-TARGET', cents: 100_000, initiatedAt: IN_WINDOW, knownOn: '2026-12-01' });
const reachTarget: MemberCommand = { op: 'applyRealtime', observations: [targetLoad], at: IN_WINDOW };
const confirmTarget: MemberCommand = {
  op: 'applyFeedBatch',
  businessDate: '2026-12-02',
  version: 1,
  observations: [fed(targetLoad, '2026-12-02')],
  at: '2026-12-03T00:00:00.000Z',
};

/** The state after each command in turn, from an empty member. */
function given(...commands: MemberCommand[]): MemberEntityState {
  return commands.reduce((state, command) => decideMember(state, command).state, EMPTY_STATE);
}

describe('member decider: buffering before enrolment is a domain rule', () => {
  it('buffers a load that races ahead of enrolment and applies it, with its notification, on enrol', () => {
    // Given no enrolment, When a load reaching the target arrives
    const early = decideMember(EMPTY_STATE, reachTarget);
    // Then it is buffered, nothing is notified or projected
    expect(early.result).toEqual({ ok: true });
    expect(early.state.buffered).toEqual([
      { operation: 'applyRealtime', input: { observations: [targetLoad], at: IN_WINDOW } },
    ]);
    expect(early.effects).toEqual([]);
    // When the enrolment arrives
    const enrolled = decideMember(early.state, { ...enrol, at: IN_WINDOW });
    // Then the load is applied, the buffer emptied, the target notified and the projection written
    expect(enrolled.result).toEqual({ ok: true, value: { created: true } });
    expect(enrolled.state.buffered).toEqual([]);
    expect(Object.keys(enrolled.state.ledger?.transactions ?? {})).toEqual(['T-TARGET']);
    expect(enrolled.effects).toEqual([
      { kind: 'NOTIFY', id: notificationId('TARGET_REACHED') },
      { kind: 'PROJECT', version: 1 },
    ]);
  });

  it('refuses commands that need an enrolment, and refuses to buffer past MAX_BUFFERED', () => {
    for (const command of [
      { op: 'decide', now: EVAL, watermark: L },
      { op: 'acknowledge', kind: 'TARGET_REACHED', at: IN_WINDOW },
      { op: 'ackOutbox', ids: ['x'] },
    ] satisfies MemberCommand[]) {
      const refused = decideMember(EMPTY_STATE, command);
      expect(refused.result).toMatchObject({ ok: false, code: 'MEMBER.NOT_ENROLLED' });
      expect(refused.state).toBe(EMPTY_STATE);
    }
    const full: MemberEntityState = {
      ledger: null,
      buffered: Array.from({ length: MAX_BUFFERED }, () => ({
        operation: 'releaseHolds' as const,
        input: { at: IN_WINDOW },
      })),
    };
    const overflow = decideMember(full, { op: 'releaseHolds', at: IN_WINDOW });
    expect(overflow.result).toMatchObject({ ok: false, code: 'MEMBER.BUFFER_FULL' });
    expect(overflow.state).toBe(full);
  });
});

describe('member decider: results and effects', () => {
  it('a second enrolment and a repeated load change nothing and have no effect', () => {
    const state = given(enrol, reachTarget);
    const again = decideMember(state, reachTarget);
    expect(again.state).toEqual(state);
    expect(again.effects).toEqual([]);
    expect(decideMember(state, enrol)).toEqual({
      state,
      result: { ok: true, value: { created: false } },
      effects: [],
    });
  });

  it('a hold refreshes celebrations like every other change: past evaluationAt it withdraws TARGET_REACHED', () => {
    // Given a member who reached the target (TARGET_REACHED raised and queued)
    const state = given(enrol, reachTarget);
    expect(state.ledger?.celebrations.TARGET_REACHED.raisedAt).toBe(IN_WINDOW);
    // When a quarantined row dated before L holds the decision after evaluationAt
    const held = decideMember(state, {
      op: 'hold',
      ref: 'Q-1',
      businessDate: '2026-12-02',
      version: 1,
      reason: 'TX.BAD_AMOUNT',
      at: AFTER_EVAL,
    });
    // Then the member needs review: the celebration is withdrawn with its undelivered notification
    expect(held.state.ledger?.celebrations.TARGET_REACHED.raisedAt).toBeNull();
    expect(held.state.ledger?.outbox).toEqual([]);
    expect(held.effects).toEqual([{ kind: 'PROJECT', version: 3 }]);
  });

  it('decides, then records the reward once: its value is the recorded reward and ISSUED stays final', () => {
    // Given a qualified member (the target load confirmed by the feed, watermark at L)
    const decided = decideMember(given(enrol, reachTarget, confirmTarget), {
      op: 'decide',
      now: EVAL,
      watermark: L,
    });
    expect(decided.result).toMatchObject({ ok: true, value: { kind: 'DECIDED' } });
    expect(decided.state.ledger?.reward).toEqual({ status: 'PENDING', points: 2000, attempts: 0 });
    // When the points are issued
    const reward = {
      status: 'ISSUED',
      points: 2000,
      attempts: 1,
      issuedAt: AFTER_EVAL,
      creditId: 'C-1',
    } as const;
    const issued = decideMember(decided.state, { op: 'recordReward', reward, at: AFTER_EVAL });
    // Then the result carries the reward, REWARD_ISSUED is notified and the projection written
    expect(issued.result).toEqual({ ok: true, value: reward });
    expect(issued.effects).toEqual([
      { kind: 'NOTIFY', id: notificationId('REWARD_ISSUED') },
      { kind: 'PROJECT', version: issued.state.projection?.version },
    ]);
    // When a stale retry reports NEEDS_REVIEW, Then the reward stays issued and nothing happens
    const stale = decideMember(issued.state, {
      op: 'recordReward',
      reward: { status: 'NEEDS_REVIEW', points: 2000, attempts: 2, lastError: 'late' },
      at: AFTER_EVAL,
    });
    expect(stale.result).toEqual({ ok: true, value: reward });
    expect(stale.state).toEqual(issued.state);
    expect(stale.effects).toEqual([]);
  });
});

describe('member decider: commands from durable input', () => {
  it('a malformed input is an invalid command: refused with its detail, state unchanged', () => {
    const state = given(enrol, reachTarget);
    const command = parseMemberCommand('applyRealtime', { observations: 'none', at: IN_WINDOW });
    expect(command).toMatchObject({ op: 'invalid', detail: expect.stringMatching(/^observations: /) });
    const refused = decideMember(state, command);
    expect(refused.result).toMatchObject({ ok: false, code: 'MEMBER.INVALID_INPUT' });
    expect(refused.state).toEqual(state);
  });

  it('parses a valid input into its command (instants normalised) and `get` returns the ledger', () => {
    expect(parseMemberCommand('releaseHolds', { at: IN_WINDOW })).toEqual({
      op: 'releaseHolds',
      at: IN_WINDOW,
    });
    const command = parseMemberCommand('enrol', { enrolment, at: ENROLLED });
    expect(command).toMatchObject({ op: 'enrol', enrolment: { enrolledAt: ENROLLED } });
    const state = given(command);
    expect(decideMember(state, parseMemberCommand('get', undefined)).result).toEqual({
      ok: true,
      value: state.ledger,
    });
  });
});
