import { E2eRuntime, type Progress } from '../support/e2eRuntime';
import { Timeline } from '../support/e2eTimeline';
import { CampaignDays, feedRow, message, type Tx } from '../support/e2eTransactions';

/**
 * One cohort through one whole campaign on the local runtime, driven only through HTTP, the queue, feed
 * files and the clock. Each member tells one story of SPEC §3–§5; the steps run in order on one timeline.
 */
jest.setTimeout(180_000);

const days = new CampaignDays('2026-11-26');
const L = 35; // last grace date: day 0 + 30 + 5
const LATE_DAY = 20; // its feed file arrives only after the evaluation is due

const M = {
  applePay: 'E2E-APPLE',
  bpayInGrace: 'E2E-BPAY-GRACE',
  bpayAfterGrace: 'E2E-BPAY-LATE',
  settledWithdrawal: 'E2E-WD-SETTLED',
  failedWithdrawal: 'E2E-WD-FAILED',
  chargeback: 'E2E-CHARGEBACK',
  settlesOnLateDay: 'E2E-LATE-FILE',
  acknowledged: 'E2E-ACKED',
  reentered: 'E2E-REENTER',
} as const;

const tx = (memberId: string, n: number, t: Omit<Tx, 'transactionId' | 'memberId'>): Tx => ({
  transactionId: `${memberId}-T${n}`,
  memberId,
  ...t,
});
const load = (memberId: string, n: number, method: string, amount: string, day: number): Tx =>
  tx(memberId, n, { type: 'LOAD', method, amount, initiatedAt: days.at(day, 10) });
const withdrawal = (memberId: string, n: number, method: string, amount: string, day: number): Tx =>
  tx(memberId, n, { type: 'WITHDRAWAL', method, amount, initiatedAt: days.at(day, 10) });

const applePay = load(M.applePay, 1, 'APPLE_PAY', '1200.00', 0);
const bpayInGrace = load(M.bpayInGrace, 1, 'BPAY', '1000.00', 30);
const bpayAfterGrace = load(M.bpayAfterGrace, 1, 'BPAY', '1000.00', 29);
const oskoA = load(M.settledWithdrawal, 1, 'OSKO', '1500.00', 1);
const transfer = withdrawal(M.settledWithdrawal, 2, 'CARDHOLDER_TRANSFER', '200.00', 10);
const oskoB = load(M.failedWithdrawal, 1, 'OSKO', '1500.00', 1);
const toBank = withdrawal(M.failedWithdrawal, 2, 'BANK_ACCOUNT', '200.00', 10);
const debit = load(M.chargeback, 1, 'DEBIT_CARD', '1100.00', 2);
const bankTransfer = load(M.settlesOnLateDay, 1, 'BANK_TRANSFER', '1000.00', 18);

// both reach the target, lose it to a chargeback and reach it again; only one acknowledged the confetti
const ackFirst = load(M.acknowledged, 1, 'APPLE_PAY', '1000.00', 3);
const ackSecond = load(M.acknowledged, 2, 'OSKO', '1000.00', 8);
const reFirst = load(M.reentered, 1, 'GOOGLE_PAY', '1000.00', 3);
const reSecond = load(M.reentered, 2, 'DEBIT_CARD', '1000.00', 8);

let rt: E2eRuntime;
let timeline: Timeline;
const settledAt = (_: Tx, day: number): string => days.at(day, 10, 1);

beforeAll(async () => {
  rt = await E2eRuntime.start({
    name: 'campaign',
    clockStart: days.at(0, 8),
    env: { CAMPAIGN_FEED_START_DATE: days.date(0) },
  });
  timeline = new Timeline(rt, days, { skipFeed: new Set([LATE_DAY]) })
    .publishOn(0, message(applePay, 'SETTLED', settledAt(applePay, 0)))
    .feedOn(0, feedRow(applePay, 'SETTLED', days.date(0), settledAt(applePay, 0)))
    .publishOn(
      1,
      message(oskoA, 'SETTLED', settledAt(oskoA, 1)),
      message(oskoB, 'SETTLED', settledAt(oskoB, 1)),
    )
    .feedOn(
      1,
      feedRow(oskoA, 'SETTLED', days.date(1), settledAt(oskoA, 1)),
      feedRow(oskoB, 'SETTLED', days.date(1), settledAt(oskoB, 1)),
    )
    .publishOn(2, message(debit, 'SETTLED', settledAt(debit, 2)))
    .feedOn(2, feedRow(debit, 'SETTLED', days.date(2), settledAt(debit, 2)))
    // the chargeback: the feed repeats the original amounts and settled_at
    .feedOn(5, feedRow(debit, 'REVERSED', days.date(5), settledAt(debit, 2)))
    .publishOn(3, message(ackFirst, 'SETTLED'), message(reFirst, 'SETTLED'))
    .feedOn(3, feedRow(ackFirst, 'SETTLED', days.date(3)), feedRow(reFirst, 'SETTLED', days.date(3)))
    .feedOn(6, feedRow(ackFirst, 'REVERSED', days.date(6)), feedRow(reFirst, 'REVERSED', days.date(6)))
    .publishOn(8, message(ackSecond, 'SETTLED'), message(reSecond, 'SETTLED'))
    .feedOn(8, feedRow(ackSecond, 'SETTLED', days.date(8)), feedRow(reSecond, 'SETTLED', days.date(8)))
    .publishOn(10, message(transfer, 'SETTLED', settledAt(transfer, 10)), message(toBank, 'PENDING'))
    .feedOn(
      10,
      feedRow(transfer, 'SETTLED', days.date(10), settledAt(transfer, 10)),
      feedRow(toBank, 'PENDING', days.date(10)),
    )
    .feedOn(12, feedRow(toBank, 'FAILED', days.date(12), settledAt(toBank, 12)))
    .publishOn(18, message(bankTransfer, 'PENDING'))
    .feedOn(18, feedRow(bankTransfer, 'PENDING', days.date(18)))
    .feedOn(
      LATE_DAY,
      feedRow(bankTransfer, 'SETTLED', days.date(LATE_DAY), settledAt(bankTransfer, LATE_DAY)),
    )
    .publishOn(29, message(bpayAfterGrace, 'PENDING'))
    .feedOn(29, feedRow(bpayAfterGrace, 'PENDING', days.date(29)))
    .publishOn(30, message(bpayInGrace, 'PENDING'))
    .feedOn(30, feedRow(bpayInGrace, 'PENDING', days.date(30)))
    .feedOn(34, feedRow(bpayInGrace, 'SETTLED', days.date(34), settledAt(bpayInGrace, 34)))
    .feedOn(36, feedRow(bpayAfterGrace, 'SETTLED', days.date(36), settledAt(bpayAfterGrace, 36)));
});

afterAll(async () => {
  await rt?.stop();
});

const progressOf = (memberId: string): Promise<Progress> => rt.progress(memberId);
const kinds = (p: Progress): string[] => p.celebrations.map((c) => c.kind);

describe('a campaign on the local runtime', () => {
  it('answers health anonymously and refuses progress without a principal', async () => {
    const health = await rt.client.api('GET', '/api/health');
    expect(health.status).toBe(200);
    const anonymous = await rt.client.api('GET', '/api/me/progress');
    expect(anonymous.status).toBe(401);
  });

  it('enrols every member at 09:00 local on day 0 with the window of SPEC §2', async () => {
    await rt.advanceTo(days.at(0, 9));
    for (const memberId of Object.values(M)) {
      const enrolled = await rt.enrol(memberId);
      expect(enrolled).toMatchObject({
        memberId,
        lastGraceDate: days.date(L),
        windowClosesAt: new Date(days.at(31, 0)).toISOString(),
        evaluationAt: new Date(days.at(L + 1, 0)).toISOString(),
      });
    }
    expect((await progressOf(M.applePay)).state).toBe('ENROLLED');
    // onboarding retries are idempotent: the first enrolment is returned
    const again = await rt.client.api('POST', '/api/enrolments', {
      token: await rt.token('enrolment'),
      body: { memberId: M.applePay },
    });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({
      memberId: M.applePay,
      enrolledAt: new Date(days.at(0, 9)).toISOString(),
    });
  });

  it('shows the confetti the moment an instant Apple Pay load reaches the target', async () => {
    await timeline.realtimeOf(0);
    const p = await progressOf(M.applePay);
    expect(p).toMatchObject({ state: 'PENDING_REWARD', progressCents: 120_000, confirmedCents: 0 });
    expect(kinds(p)).toEqual(['TARGET_REACHED']);
    expect(p.decision).toBeNull();
    // the notification dispatcher publishes on its schedule (at most hourly on this virtual clock)
    await rt.advance('1h');
    const published = (await rt.topic('member-progress')).filter((m) => m.messageId.includes(M.applePay));
    expect(published.map((m) => JSON.parse(m.body).kind)).toEqual(['TARGET_REACHED']);
  });

  it('returns a member to ACTIVE when a load that reached the target is charged back', async () => {
    await timeline.through(2);
    const before = await progressOf(M.chargeback);
    expect(before).toMatchObject({
      state: 'PENDING_REWARD',
      progressCents: 110_000,
      confirmedCents: 110_000,
    });
    expect(kinds(before)).toEqual(['TARGET_REACHED']);
    await timeline.through(5);
    const after = await progressOf(M.chargeback);
    expect(after).toMatchObject({ state: 'ACTIVE', progressCents: 0, confirmedCents: 0 });
    // left PENDING_REWARD before acknowledging: the celebration is withdrawn (SPEC §5)
    expect(kinds(after)).toEqual([]);
  });

  it('never raises an acknowledged celebration again; an unacknowledged one is withdrawn and raised again', async () => {
    // their day-3 loads were played by the previous step; the chargebacks come with day 6's file
    expect(kinds(await progressOf(M.acknowledged))).toEqual(['TARGET_REACHED']);
    const ack = await rt.acknowledge(M.acknowledged, 'TARGET_REACHED');
    expect(ack.status).toBe(200);
    await timeline.through(6);
    for (const memberId of [M.acknowledged, M.reentered])
      expect(await progressOf(memberId)).toMatchObject({ state: 'ACTIVE', celebrations: [] });
    await timeline.realtimeOf(8);
    const acked = await progressOf(M.acknowledged);
    const reentered = await progressOf(M.reentered);
    expect(acked.state).toBe('PENDING_REWARD');
    expect(kinds(acked)).toEqual([]);
    expect(reentered.state).toBe('PENDING_REWARD');
    expect(kinds(reentered)).toEqual(['TARGET_REACHED']);
    await rt.advance('1h');
    const published = await rt.topic('member-progress');
    const of = (memberId: string): string[] =>
      published.filter((m) => m.messageId.includes(`:${memberId}:`)).map((m) => m.messageId);
    expect(of(M.acknowledged)).toEqual([`cold-member-activation:${M.acknowledged}:TARGET_REACHED:1`]);
    expect(of(M.reentered)).toEqual([
      `cold-member-activation:${M.reentered}:TARGET_REACHED:1`,
      `cold-member-activation:${M.reentered}:TARGET_REACHED:2`,
    ]);
  });

  it('disqualifies on a settled transfer; a pending one only puts the member at risk until it fails', async () => {
    await timeline.realtimeOf(10);
    expect(await progressOf(M.settledWithdrawal)).toMatchObject({ state: 'DISQUALIFIED' });
    expect(await progressOf(M.failedWithdrawal)).toMatchObject({ state: 'PENDING_REWARD', atRisk: true });
    await timeline.through(12);
    expect(await progressOf(M.failedWithdrawal)).toMatchObject({
      state: 'PENDING_REWARD',
      atRisk: false,
      progressCents: 150_000,
    });
    expect(await progressOf(M.settledWithdrawal)).toMatchObject({ state: 'DISQUALIFIED' });
  });

  it('shows a BPAY load initiated in the window as pending, not counted, until the feed settles it', async () => {
    await timeline.realtimeOf(30);
    expect(await progressOf(M.bpayInGrace)).toMatchObject({
      state: 'ACTIVE',
      progressCents: 0,
      pendingCents: 100_000,
    });
    await timeline.through(34);
    expect(await progressOf(M.bpayInGrace)).toMatchObject({
      state: 'PENDING_REWARD',
      progressCents: 100_000,
      confirmedCents: 100_000,
      pendingCents: 0,
    });
  });

  it('holds every decision while a feed date is missing, and decides once it arrives', async () => {
    await timeline.through(L);
    const evaluationAt = days.at(L + 1, 0);
    await rt.advanceTo(new Date(Date.parse(evaluationAt) + 6 * 3_600_000).toISOString());
    const held = await progressOf(M.settlesOnLateDay);
    expect(held).toMatchObject({ state: 'ACTIVE', progressCents: 0, pendingCents: 100_000, decision: null });
    for (const memberId of Object.values(M)) expect((await progressOf(memberId)).decision).toBeNull();
    expect(await progressOf(M.applePay)).toMatchObject({ state: 'PENDING_REWARD', reward: null });
    expect(await rt.credits()).toEqual([]);
    const ops = await rt.opsMember(M.applePay);
    expect(JSON.stringify(ops['orchestration'])).toMatch(/WAITING_FOR_SETTLEMENT/);

    await timeline.dropLate(LATE_DAY);
    await rt.advance('2h');
    expect(await progressOf(M.settlesOnLateDay)).toMatchObject({
      state: 'COMPLETE',
      decision: { outcome: 'QUALIFIED' },
      reward: { status: 'ISSUED', points: 2000 },
    });
  });

  it('ends with the decisions of SPEC §5 and exactly one credit per qualified member', async () => {
    await timeline.through(L + 1); // BPAY settled after the last grace date: after the cut-off
    await rt.advance('1h');
    const outcomes: Record<string, [string, string]> = {
      [M.applePay]: ['COMPLETE', 'QUALIFIED'],
      [M.bpayInGrace]: ['COMPLETE', 'QUALIFIED'],
      [M.bpayAfterGrace]: ['EXPIRED', 'NOT_REACHED'],
      [M.settledWithdrawal]: ['DISQUALIFIED', 'DISQUALIFIED'],
      [M.failedWithdrawal]: ['COMPLETE', 'QUALIFIED'],
      [M.chargeback]: ['EXPIRED', 'NOT_REACHED'],
      [M.settlesOnLateDay]: ['COMPLETE', 'QUALIFIED'],
      [M.acknowledged]: ['COMPLETE', 'QUALIFIED'],
      [M.reentered]: ['COMPLETE', 'QUALIFIED'],
    };
    for (const [memberId, [state, outcome]] of Object.entries(outcomes)) {
      const p = await progressOf(memberId);
      expect({ memberId, state: p.state, outcome: p.decision?.outcome }).toEqual({
        memberId,
        state,
        outcome,
      });
    }
    // after the evaluation the view shows totals as of the last grace date: the late BPAY never counts
    expect(await progressOf(M.bpayAfterGrace)).toMatchObject({ progressCents: 0, confirmedCents: 0 });

    const credits = await rt.credits();
    const qualified = Object.entries(outcomes)
      .filter(([, [, o]]) => o === 'QUALIFIED')
      .map(([id]) => id)
      .sort();
    expect(credits.map((c) => c.memberId).sort()).toEqual(qualified);
    for (const c of credits)
      expect(c).toMatchObject({ points: 2000, reference: `cold-member-activation:${c.memberId}` });

    const apple = await progressOf(M.applePay);
    expect(apple.reward).toMatchObject({ status: 'ISSUED', points: 2000 });
    expect(kinds(apple)).toContain('REWARD_ISSUED');
    const published = (await rt.topic('member-progress'))
      .filter((m) => m.messageId.includes(`:${M.applePay}:`))
      .map((m) => JSON.parse(m.body).kind);
    expect(published).toEqual(['TARGET_REACHED', 'REWARD_ISSUED']);
    expect(await rt.funnel()).toMatchObject({ COMPLETE: 6, EXPIRED: 2, DISQUALIFIED: 1, PENDING_REWARD: 0 });
    expect(await rt.deadLetters()).toEqual([]);
  });
});
