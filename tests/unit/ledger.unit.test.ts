import {
  acceptsRewardUpdate,
  campaignConfigSchema,
  contradictionOf,
  isKnownMethod,
  rewardFrom,
  WITHDRAWAL_METHODS,
  decide,
  heldRowsDetail,
  memberState,
  progressView,
  recordReward,
  refreshCelebrations,
  acknowledge,
  releaseHolds,
} from '../../src/domain';
import { fed, ledgerFor, obs } from '../support/domainBuilders';
import { decided, feed, given, hold, outcomeOf, realtime } from '../support/ledgerSpec';

// Enrolled 25 Nov 2026 09:00 Sydney: window closes 2026-12-25T13:00Z, last grace date L = 2026-12-30,
// evaluation at 2026-12-30T13:00Z.
const L = '2026-12-30';
const EVAL = '2026-12-30T13:00:00.000Z';
const BEFORE_EVAL = '2026-12-20T00:00:00.000Z';
const inWindow = '2026-12-01T00:00:00.000Z';
const member = () => ledgerFor();

describe('progress and the confetti moment', () => {
  it('an instant load reaching the target shows PENDING_REWARD and raises TARGET_REACHED at once', () => {
    // Given an enrolled member, When a settled Apple Pay load of 1,000.00 arrives in real time
    const ledger = given(member(), realtime(obs({ cents: 100_000, initiatedAt: inWindow })));
    // Then progress counts it but the confirmed total waits for the feed
    const view = progressView(ledger, BEFORE_EVAL);
    expect(view).toMatchObject({
      state: 'PENDING_REWARD',
      progressCents: 100_000,
      confirmedCents: 0,
      remainingCents: 0,
    });
    expect(view.celebrations.map((c) => c.kind)).toEqual(['TARGET_REACHED']);
    expect(ledger.outbox.map((n) => n.id)).toEqual(['cold-member-activation:M-1:TARGET_REACHED:1']);
  });

  it('one cent short stays ACTIVE and is not reached at the decision', () => {
    const load = obs({ cents: 99_999, initiatedAt: inWindow });
    const ledger = given(member(), realtime(load), feed('2026-12-02', 1, fed(load, '2026-12-02')));
    expect(memberState(ledger, BEFORE_EVAL)).toBe('ACTIVE');
    expect(progressView(ledger, BEFORE_EVAL).remaining).toBe('0.01');
    expect(outcomeOf(decide(ledger, EVAL, L))).toBe('NOT_REACHED');
  });

  it('shows pending loads but never counts them', () => {
    const ledger = given(
      member(),
      realtime(obs({ method: 'BPAY', status: 'PENDING', cents: 100_000, initiatedAt: inWindow })),
    );
    expect(progressView(ledger, BEFORE_EVAL)).toMatchObject({
      state: 'ACTIVE',
      progressCents: 0,
      pendingCents: 100_000,
    });
  });

  it('counts a foreign-currency load by its AUD equivalent', () => {
    const usd = obs({ cents: 100_000, currency: 'USD', amount: '650.00', initiatedAt: inWindow });
    const ledger = given(member(), realtime(usd), feed('2026-12-02', 1, fed(usd, '2026-12-02')));
    expect(outcomeOf(decide(ledger, EVAL, L))).toBe('QUALIFIED');
  });

  it('excludes a load initiated at exactly windowClosesAt and includes one a millisecond earlier', () => {
    const atClose = obs({ cents: 100_000, initiatedAt: '2026-12-25T13:00:00.000Z' });
    const justBefore = obs({ cents: 100_000, initiatedAt: '2026-12-25T12:59:59.999Z' });
    expect(progressView(given(member(), realtime(atClose)), BEFORE_EVAL).progressCents).toBe(0);
    expect(progressView(given(member(), realtime(justBefore)), BEFORE_EVAL).progressCents).toBe(100_000);
  });

  it('excludes loads initiated before enrolment', () => {
    const early = obs({ cents: 100_000, initiatedAt: '2026-11-24T21:59:59.999Z' });
    expect(memberState(given(member(), realtime(early)), BEFORE_EVAL)).toBe('ENROLLED');
  });
});

describe('the two streams', () => {
  it('lets the feed amount win over a settled real-time record it contradicts', () => {
    const live = obs({ id: 'T-A', cents: 100_000, initiatedAt: inWindow });
    const ledger = given(
      member(),
      realtime(live),
      feed('2026-12-02', 1, fed(live, '2026-12-02', { audCents: 90_000 as never })),
    );
    expect(progressView(ledger, BEFORE_EVAL)).toMatchObject({
      progressCents: 90_000,
      confirmedCents: 90_000,
      state: 'ACTIVE',
    });
    expect(outcomeOf(decide(ledger, EVAL, L))).toBe('NOT_REACHED');
  });

  it('counts a BPAY load settled on the last grace date', () => {
    const bpay = obs({
      method: 'BPAY',
      status: 'PENDING',
      cents: 100_000,
      initiatedAt: '2026-12-24T00:00:00.000Z',
      knownOn: '2026-12-24',
    });
    const ledger = given(
      member(),
      realtime(bpay),
      feed(L, 1, fed({ ...bpay, status: 'SETTLED', settledAt: '2026-12-30T01:00:00.000Z' }, L)),
    );
    expect(outcomeOf(decide(ledger, EVAL, L))).toBe('QUALIFIED');
  });

  it('does not count a BPAY load settled the day after the last grace date, even if processed before the decision', () => {
    const bpay = obs({
      method: 'BPAY',
      status: 'PENDING',
      cents: 100_000,
      initiatedAt: '2026-12-24T00:00:00.000Z',
      knownOn: '2026-12-24',
    });
    const late = fed({ ...bpay, status: 'SETTLED', settledAt: '2026-12-31T01:00:00.000Z' }, '2026-12-31');
    const ledger = given(member(), realtime(bpay), feed('2026-12-31', 1, late));
    expect(outcomeOf(decide(ledger, '2027-01-02T00:00:00.000Z', '2026-12-31'))).toBe('NOT_REACHED');
  });

  it('after evaluationAt shows the totals as of the last grace date', () => {
    const lateLive = obs({ cents: 100_000, initiatedAt: '2026-12-25T12:00:00.000Z', knownOn: '2026-12-31' });
    const ledger = given(member(), realtime(lateLive));
    expect(progressView(ledger, BEFORE_EVAL).progressCents).toBe(100_000);
    expect(progressView(ledger, '2026-12-31T00:00:00.000Z').progressCents).toBe(0);
  });

  it('a reversal after the target was reached returns the member to ACTIVE and withdraws the celebration', () => {
    const load = obs({ id: 'T-R', cents: 100_000, initiatedAt: inWindow });
    const reached = given(member(), realtime(load));
    const reversed = given(
      reached,
      feed('2026-12-03', 1, fed({ ...load, status: 'REVERSED' }, '2026-12-03')),
    );
    expect(memberState(reversed, BEFORE_EVAL)).toBe('ACTIVE');
    expect(progressView(reversed, BEFORE_EVAL).celebrations).toEqual([]);
    expect(reversed.outbox).toEqual([]);
    // Re-entering raises it again, as a new notification
    const again = given(reversed, realtime(obs({ cents: 100_000, initiatedAt: inWindow })));
    expect(again.outbox.map((n) => n.id)).toEqual(['cold-member-activation:M-1:TARGET_REACHED:2']);
  });

  it('a later status observed earlier is not undone by an earlier status arriving late', () => {
    const load = obs({ id: 'T-L', cents: 100_000, initiatedAt: inWindow });
    const ledger = given(member(), realtime({ ...load, status: 'REVERSED' }), realtime(load));
    expect(progressView(ledger, BEFORE_EVAL).progressCents).toBe(0);
  });

  it('refuses an observation whose type contradicts the transaction', () => {
    const load = obs({ id: 'T-C', cents: 100_000, initiatedAt: inWindow });
    const ledger = given(
      member(),
      realtime(load),
      realtime({ ...load, type: 'WITHDRAWAL', method: 'BANK_ACCOUNT', status: 'REVERSED' }),
    );
    expect(ledger.contradictions).toEqual([
      { transactionId: 'T-C', detail: 'type WITHDRAWAL contradicts earlier type LOAD' },
    ]);
    expect(progressView(ledger, BEFORE_EVAL).progressCents).toBe(100_000);
  });
});

describe('withdrawals (SPEC §4)', () => {
  const load = obs({ id: 'T-W1', cents: 100_000, initiatedAt: inWindow });

  it('a pending withdrawal marks the member at risk; when it fails, that clears', () => {
    const pending = obs({
      id: 'T-W2',
      type: 'WITHDRAWAL',
      status: 'PENDING',
      cents: 5_000,
      initiatedAt: inWindow,
    });
    const atRisk = given(member(), realtime(load, pending));
    expect(progressView(atRisk, BEFORE_EVAL)).toMatchObject({ state: 'PENDING_REWARD', atRisk: true });
    const failed = given(atRisk, realtime({ ...pending, status: 'FAILED', settledAt: inWindow }));
    expect(progressView(failed, BEFORE_EVAL)).toMatchObject({ state: 'PENDING_REWARD', atRisk: false });
  });

  it('a settled disqualifying withdrawal shows DISQUALIFIED and decides DISQUALIFIED even above target', () => {
    const withdrawal = obs({
      id: 'T-W3',
      type: 'WITHDRAWAL',
      method: 'CARDHOLDER_TRANSFER',
      cents: 100,
      initiatedAt: inWindow,
    });
    const ledger = given(
      member(),
      realtime(load),
      feed('2026-12-02', 1, fed(load, '2026-12-02'), fed(withdrawal, '2026-12-02')),
    );
    expect(memberState(ledger, BEFORE_EVAL)).toBe('DISQUALIFIED');
    expect(outcomeOf(decide(ledger, EVAL, L))).toBe('DISQUALIFIED');
  });

  it('a withdrawal still pending at the cut-off is treated as made', () => {
    const pending = obs({
      id: 'T-W4',
      type: 'WITHDRAWAL',
      status: 'PENDING',
      cents: 100,
      initiatedAt: inWindow,
    });
    const ledger = given(
      member(),
      feed('2026-12-02', 1, fed(load, '2026-12-02'), fed(pending, '2026-12-02')),
    );
    expect(outcomeOf(decide(ledger, EVAL, L))).toBe('DISQUALIFIED');
  });

  it('a withdrawal that is reversed before the decision returns the member to PENDING_REWARD', () => {
    const withdrawal = obs({ id: 'T-W5', type: 'WITHDRAWAL', cents: 100, initiatedAt: inWindow });
    const ledger = given(
      member(),
      realtime(load, withdrawal),
      realtime({ ...withdrawal, status: 'REVERSED' }),
    );
    expect(memberState(ledger, BEFORE_EVAL)).toBe('PENDING_REWARD');
  });

  it('ignores ATM cash and withdrawals initiated at or after windowClosesAt', () => {
    const atm = obs({ id: 'T-W6', type: 'WITHDRAWAL', method: 'ATM', cents: 100, initiatedAt: inWindow });
    const after = obs({
      id: 'T-W7',
      type: 'WITHDRAWAL',
      cents: 100,
      initiatedAt: '2026-12-25T13:00:00.000Z',
    });
    const ledger = given(
      member(),
      feed('2026-12-02', 1, fed(load, '2026-12-02'), fed(atm, '2026-12-02')),
      realtime(after),
    );
    expect(memberState(ledger, BEFORE_EVAL)).toBe('PENDING_REWARD');
    expect(outcomeOf(decide(ledger, EVAL, L))).toBe('QUALIFIED');
  });

  describe('NET_BALANCE', () => {
    const net = () => ledgerFor(undefined, { withdrawalPolicy: 'NET_BALANCE' });
    const big = obs({ id: 'T-N1', cents: 120_000, initiatedAt: inWindow });

    it('nets settled withdrawals out of both totals and never disqualifies', () => {
      const wd = obs({ id: 'T-N2', type: 'WITHDRAWAL', cents: 30_000, initiatedAt: inWindow });
      const ledger = given(net(), feed('2026-12-02', 1, fed(big, '2026-12-02'), fed(wd, '2026-12-02')));
      expect(progressView(ledger, BEFORE_EVAL)).toMatchObject({
        state: 'ACTIVE',
        progressCents: 90_000,
        confirmedCents: 90_000,
      });
      expect(outcomeOf(decide(ledger, EVAL, L))).toBe('NOT_REACHED');
    });

    it('qualifies when the net confirmed total still reaches the target', () => {
      const wd = obs({ id: 'T-N3', type: 'WITHDRAWAL', cents: 20_000, initiatedAt: inWindow });
      const ledger = given(net(), feed('2026-12-02', 1, fed(big, '2026-12-02'), fed(wd, '2026-12-02')));
      expect(outcomeOf(decide(ledger, EVAL, L))).toBe('QUALIFIED');
    });

    it('is at risk when pending withdrawals would take the net total below the target', () => {
      const pending = obs({
        id: 'T-N4',
        type: 'WITHDRAWAL',
        status: 'PENDING',
        cents: 30_000,
        initiatedAt: inWindow,
      });
      const ledger = given(net(), realtime(big, pending));
      expect(progressView(ledger, BEFORE_EVAL)).toMatchObject({ state: 'PENDING_REWARD', atRisk: true });
    });
  });
});

describe('the final decision', () => {
  const load = obs({ id: 'T-D1', cents: 100_000, initiatedAt: inWindow });
  const confirmed = () => given(member(), realtime(load), feed('2026-12-02', 1, fed(load, '2026-12-02')));

  it('is not made before evaluationAt, nor while the watermark is behind the last grace date', () => {
    expect(decide(confirmed(), '2026-12-30T12:59:59.999Z', L)).toMatchObject({
      kind: 'NOT_YET',
      reason: 'BEFORE_EVALUATION',
    });
    expect(decide(confirmed(), EVAL, '2026-12-29')).toMatchObject({
      kind: 'NOT_YET',
      reason: 'WATERMARK_BEHIND',
    });
    expect(decide(confirmed(), EVAL, null)).toMatchObject({ kind: 'NOT_YET', reason: 'WATERMARK_BEHIND' });
    expect(outcomeOf(decide(confirmed(), EVAL, L))).toBe('QUALIFIED');
  });

  it('needs the feed: a real-time-only target is not confirmed', () => {
    expect(outcomeOf(decide(given(member(), realtime(load)), EVAL, L))).toBe('NOT_REACHED');
  });

  it('is held by a quarantined row dated on or before L until a corrected file or a release', () => {
    const held = given(
      confirmed(),
      hold({ ref: 'f:2026-12-05:v1:17', businessDate: '2026-12-05', version: 1, reason: 'TX.BAD_AMOUNT' }),
    );
    expect(decide(held, EVAL, L)).toMatchObject({ kind: 'NOT_YET', reason: 'QUARANTINE_HOLD' });
    expect(memberState(held, EVAL)).toBe('NEEDS_REVIEW');
    expect(outcomeOf(decide(given(held, feed('2026-12-05', 2)), EVAL, L))).toBe('QUALIFIED');
    expect(outcomeOf(decide(releaseHolds(held), EVAL, L))).toBe('QUALIFIED');
    const afterL = given(
      confirmed(),
      hold({ ref: 'x', businessDate: '2026-12-31', version: 1, reason: 'TX.BAD_AMOUNT' }),
    );
    expect(outcomeOf(decide(afterL, EVAL, L))).toBe('QUALIFIED');
  });

  it('describes holds by a count and the first few references, each cut short (custom status ≤ 16 KB)', () => {
    const held = given(
      confirmed(),
      hold({ ref: 'f:2026-12-05:v1:17', businessDate: '2026-12-05', version: 1, reason: 'TX.BAD_AMOUNT' }),
    );
    expect(decide(held, EVAL, L)).toMatchObject({ detail: '1 quarantined feed row: f:2026-12-05:v1:17' });
    const refs = Array.from({ length: 700 }, (_, i) => `r${String(699 - i).padStart(3, '0')}`);
    expect(heldRowsDetail(refs)).toBe('700 quarantined feed rows: r000, r001, r002, r003, r004 and 695 more');
    expect(heldRowsDetail(['y'.repeat(5_000)])).toBe(`1 quarantined feed row: ${'y'.repeat(120)}…`);
  });

  it('is recorded once and never changed by later transactions; a reversal after issue needs review', () => {
    const decidedLedger = given(confirmed(), decided(EVAL, L));
    expect(memberState(decidedLedger, EVAL)).toBe('REWARDING');
    const issued = refreshCelebrations(
      recordReward(decidedLedger, { status: 'ISSUED', points: 2000, attempts: 1, issuedAt: EVAL }),
      EVAL,
    );
    expect(memberState(issued, EVAL)).toBe('COMPLETE');
    expect(progressView(issued, EVAL).celebrations.map((c) => c.kind)).toEqual(['REWARD_ISSUED']);
    const reversed = given(issued, feed('2027-01-03', 1, fed({ ...load, status: 'REVERSED' }, '2027-01-03')));
    expect(decide(reversed, '2027-01-05T00:00:00.000Z', '2027-01-04')).toMatchObject({
      kind: 'DECIDED',
      alreadyRecorded: true,
      decision: { outcome: 'QUALIFIED' },
    });
    expect(memberState(reversed, '2027-01-05T00:00:00.000Z')).toBe('NEEDS_REVIEW');
  });

  it('maps the other outcomes to terminal states', () => {
    expect(memberState(given(member(), decided(EVAL, L)), EVAL)).toBe('EXPIRED');
    const withdrawal = obs({ id: 'T-D2', type: 'WITHDRAWAL', cents: 100, initiatedAt: inWindow });
    expect(
      memberState(
        given(confirmed(), feed('2026-12-03', 1, fed(withdrawal, '2026-12-03')), decided(EVAL, L)),
        EVAL,
      ),
    ).toBe('DISQUALIFIED');
  });

  it('an issued reward stays issued; a permanent refusal needs review', () => {
    const decidedLedger = given(confirmed(), decided(EVAL, L));
    const refused = recordReward(decidedLedger, {
      status: 'NEEDS_REVIEW',
      points: 2000,
      attempts: 1,
      lastError: 'REFUSED:404',
    });
    expect(memberState(refused, EVAL)).toBe('NEEDS_REVIEW');
    const issued = recordReward(decidedLedger, {
      status: 'ISSUED',
      points: 2000,
      attempts: 2,
      issuedAt: EVAL,
    });
    expect(recordReward(issued, { status: 'PENDING', points: 2000, attempts: 3 }).reward?.status).toBe(
      'ISSUED',
    );
  });
});

describe('feed corrections (SPEC §3)', () => {
  const load = obs({ id: 'T-F1', cents: 100_000, initiatedAt: inWindow });

  it('a higher version replaces the date; a lower version arriving later is ignored', () => {
    const v1 = fed(load, '2026-12-02');
    const ledger = given(member(), feed('2026-12-02', 2), feed('2026-12-02', 1, v1));
    expect(progressView(ledger, BEFORE_EVAL).confirmedCents).toBe(0);
    const replaced = given(
      member(),
      feed('2026-12-02', 1, v1),
      feed('2026-12-02', 2, fed(load, '2026-12-02', { audCents: 50_000 as never })),
    );
    expect(progressView(replaced, BEFORE_EVAL).confirmedCents).toBe(50_000);
  });

  it('an equal version unions chunks of the same file', () => {
    const other = obs({ id: 'T-F2', cents: 5_000, initiatedAt: inWindow });
    const ledger = given(
      member(),
      feed('2026-12-02', 1, fed(load, '2026-12-02')),
      feed('2026-12-02', 1, fed(other, '2026-12-02')),
    );
    expect(progressView(ledger, BEFORE_EVAL).confirmedCents).toBe(105_000);
  });
});

describe('celebrations', () => {
  it('once acknowledged, TARGET_REACHED never returns', () => {
    const load = obs({ id: 'T-K1', cents: 100_000, initiatedAt: inWindow });
    const reached = given(member(), realtime(load));
    const acked = acknowledge(reached, 'TARGET_REACHED', BEFORE_EVAL);
    if (!acked.ok) throw new Error(acked.detail);
    const left = given(
      acked.value,
      realtime({ ...load, status: 'REVERSED' }),
      realtime(obs({ cents: 100_000, initiatedAt: inWindow })),
    );
    expect(memberState(left, BEFORE_EVAL)).toBe('PENDING_REWARD');
    expect(progressView(left, BEFORE_EVAL).celebrations).toEqual([]);
    expect(left.outbox).toHaveLength(1);
  });

  it('cannot acknowledge a celebration that is not raised', () => {
    expect(acknowledge(member(), 'TARGET_REACHED', BEFORE_EVAL)).toMatchObject({
      ok: false,
      code: 'CELEBRATION.NOT_RAISED',
    });
  });
});

describe('bounded state', () => {
  it('stays small for a member with hundreds of transactions', () => {
    const many = Array.from({ length: 300 }, (_, i) =>
      obs({ id: `T-B${i}`, cents: 100, initiatedAt: inWindow }),
    );
    const ledger = given(
      member(),
      realtime(...many),
      feed('2026-12-02', 1, ...many.map((o) => fed(o, '2026-12-02'))),
    );
    expect(JSON.stringify(ledger).length).toBeLessThan(400_000);
    expect(Object.keys(ledger.transactions)).toHaveLength(300);
  });
});

describe('rules defined once in the domain (issue 10.3)', () => {
  it('contradictionOf: another member is MEMBER_MISMATCH, another type TYPE_MISMATCH, an unknown type checks only the member', () => {
    const load = obs({ cents: 1_000, initiatedAt: inWindow });
    expect(contradictionOf({ memberId: load.memberId, type: 'LOAD' }, load)).toBeUndefined();
    expect(contradictionOf({ memberId: 'M-OTHER', type: 'LOAD' }, load)).toBe('MEMBER_MISMATCH');
    expect(contradictionOf({ memberId: load.memberId, type: 'WITHDRAWAL' }, load)).toBe('TYPE_MISMATCH');
    expect(contradictionOf({ memberId: load.memberId }, load)).toBeUndefined();
    expect(contradictionOf({ memberId: 'M-OTHER' }, load)).toBe('MEMBER_MISMATCH');
  });

  it('acceptsRewardUpdate: only a qualified decision has a reward, and ISSUED is final', () => {
    expect(acceptsRewardUpdate('QUALIFIED', undefined)).toBe(true);
    expect(acceptsRewardUpdate('QUALIFIED', 'PENDING')).toBe(true);
    expect(acceptsRewardUpdate('QUALIFIED', 'NEEDS_REVIEW')).toBe(true);
    expect(acceptsRewardUpdate('QUALIFIED', 'ISSUED')).toBe(false);
    expect(acceptsRewardUpdate('NOT_REACHED', undefined)).toBe(false);
    expect(acceptsRewardUpdate('DISQUALIFIED', 'PENDING')).toBe(false);
    expect(acceptsRewardUpdate(undefined, undefined)).toBe(false);
  });

  it('rewardFrom: ISSUED and REPLAYED credit the points, CONFLICT and REFUSED need review', () => {
    const at = '2026-12-31T00:00:00.000Z';
    expect(rewardFrom({ kind: 'ISSUED', creditId: 'C-1' }, 2000, at)).toEqual({
      status: 'ISSUED',
      points: 2000,
      attempts: 1,
      issuedAt: at,
      creditId: 'C-1',
    });
    expect(rewardFrom({ kind: 'REPLAYED', creditId: 'C-1' }, 2000, at).status).toBe('ISSUED');
    expect(rewardFrom({ kind: 'CONFLICT', detail: 'other body' }, 2000, at)).toEqual({
      status: 'NEEDS_REVIEW',
      points: 2000,
      attempts: 1,
      lastError: 'CONFLICT: other body',
    });
    expect(rewardFrom({ kind: 'REFUSED', detail: '422 X' }, 2000, at).status).toBe('NEEDS_REVIEW');
  });

  it('withdrawal methods are one list: every disqualifying method is a known withdrawal method', () => {
    for (const method of WITHDRAWAL_METHODS) expect(isKnownMethod('WITHDRAWAL', method)).toBe(true);
    expect(isKnownMethod('WITHDRAWAL', 'APPLE_PAY')).toBe(false);
    expect(campaignConfigSchema.shape.disqualifyingWithdrawalMethods.safeParse(['PAYPAL']).success).toBe(
      false,
    );
  });
});
