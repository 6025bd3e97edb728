import { E2eRuntime, type Progress } from '../support/e2eRuntime';
import { Timeline } from '../support/e2eTimeline';
import {
  CampaignDays,
  feedRow,
  message,
  type FeedRow,
  type Message,
  type Tx,
} from '../support/e2eTransactions';

/**
 * SPEC §3/§7: the real-time stream is at-least-once and unordered. Two groups live the same stories; one
 * gets every message once and in order, the other gets every message twice, in reverse order, and once
 * more two days late. Both groups must look the same at every step and end the same.
 */
jest.setTimeout(180_000);

const days = new CampaignDays('2026-11-26');
const L = 35;

interface Story {
  name: string;
  expected: [state: string, outcome: string];
  /** Given a member id: the messages by day and the feed rows by day. */
  build(memberId: string): { messages: [number, Message][]; rows: [number, FeedRow][] };
}

const load = (memberId: string, n: number, method: string, amount: string, day: number): Tx => ({
  transactionId: `${memberId}-T${n}`,
  memberId,
  type: 'LOAD',
  method,
  amount,
  initiatedAt: days.at(day, 9, 30),
});
const withdrawal = (memberId: string, n: number, method: string, amount: string, day: number): Tx => ({
  ...load(memberId, n, method, amount, day),
  type: 'WITHDRAWAL',
});
const settledFeed = (t: Tx, day: number): [number, FeedRow] => [day, feedRow(t, 'SETTLED', days.date(day))];

const STORIES: Story[] = [
  {
    name: 'two instant loads below the target (a double count would reach it)',
    expected: ['EXPIRED', 'NOT_REACHED'],
    build(m) {
      const a = load(m, 1, 'APPLE_PAY', '600.00', 0);
      const b = load(m, 2, 'GOOGLE_PAY', '300.00', 3);
      return {
        messages: [
          [0, message(a, 'SETTLED')],
          [3, message(b, 'SETTLED')],
        ],
        rows: [settledFeed(a, 0), settledFeed(b, 3)],
      };
    },
  },
  {
    name: 'BPAY pending, settled two days later',
    expected: ['COMPLETE', 'QUALIFIED'],
    build(m) {
      const a = load(m, 1, 'BPAY', '1000.00', 2);
      return {
        messages: [[2, message(a, 'PENDING')]],
        rows: [[2, feedRow(a, 'PENDING', days.date(2))], settledFeed(a, 4)],
      };
    },
  },
  {
    name: 'a transfer seen pending and settled on the same day',
    expected: ['DISQUALIFIED', 'DISQUALIFIED'],
    build(m) {
      const a = load(m, 1, 'OSKO', '1500.00', 1);
      const w = withdrawal(m, 2, 'CARDHOLDER_TRANSFER', '200.00', 10);
      return {
        messages: [
          [1, message(a, 'SETTLED')],
          [10, message(w, 'PENDING')],
          [10, message(w, 'SETTLED')],
        ],
        rows: [settledFeed(a, 1), settledFeed(w, 10)],
      };
    },
  },
  {
    name: 'a pending transfer to a bank that fails (its PENDING redelivered after the failure)',
    expected: ['COMPLETE', 'QUALIFIED'],
    build(m) {
      const a = load(m, 1, 'DEBIT_CARD', '1200.00', 1);
      const w = withdrawal(m, 2, 'BANK_ACCOUNT', '100.00', 8);
      return {
        messages: [
          [1, message(a, 'SETTLED')],
          [8, message(w, 'PENDING')],
        ],
        rows: [
          settledFeed(a, 1),
          [8, feedRow(w, 'PENDING', days.date(8))],
          [9, feedRow(w, 'FAILED', days.date(9))],
        ],
      };
    },
  },
  {
    name: 'exactly the target in one Apple Pay load',
    expected: ['COMPLETE', 'QUALIFIED'],
    build(m) {
      const a = load(m, 1, 'APPLE_PAY', '1000.00', 5);
      return { messages: [[5, message(a, 'SETTLED')]], rows: [settledFeed(a, 5)] };
    },
  },
];

const once = (i: number): string => `E2E-ONCE-${i}`;
const twice = (i: number): string => `E2E-TWICE-${i}`;
let rt: E2eRuntime;
let timeline: Timeline;

beforeAll(async () => {
  rt = await E2eRuntime.start({
    name: 'redelivery',
    clockStart: days.at(0, 8),
    env: { CAMPAIGN_FEED_START_DATE: days.date(0) },
  });
  timeline = new Timeline(rt, days);
  const byDay = new Map<number, { inOrder: Message[]; messy: Message[] }>();
  const at = (d: number) => byDay.get(d) ?? byDay.set(d, { inOrder: [], messy: [] }).get(d)!;
  STORIES.forEach((story, i) => {
    const a = story.build(once(i));
    const b = story.build(twice(i));
    for (const [day, m] of a.messages) at(day).inOrder.push(m);
    for (const [day, m] of b.messages) {
      at(day).messy.push(m, m);
      at(day + 2).messy.push(m);
    }
    for (const [day, r] of [...a.rows, ...b.rows]) timeline.feedOn(day, r);
  });
  for (const [day, { inOrder, messy }] of byDay) timeline.publishOn(day, ...inOrder, ...messy.reverse());
});

afterAll(async () => {
  await rt?.stop();
});

const view = (p: Progress) => ({
  state: p.state,
  progressCents: p.progressCents,
  confirmedCents: p.confirmedCents,
  pendingCents: p.pendingCents,
  atRisk: p.atRisk,
  celebrations: p.celebrations.map((c) => c.kind),
  decision: p.decision?.outcome ?? null,
  reward: p.reward ? { status: p.reward.status, points: p.reward.points } : null,
});

async function expectGroupsAlike(): Promise<void> {
  for (let i = 0; i < STORIES.length; i++) {
    const [a, b] = [await rt.progress(once(i)), await rt.progress(twice(i))];
    expect({ story: STORIES[i]!.name, ...view(b) }).toEqual({ story: STORIES[i]!.name, ...view(a) });
  }
}

it('shows the same progress at every step and ends the same, whatever the delivery', async () => {
  await rt.advanceTo(days.at(0, 9));
  for (let i = 0; i < STORIES.length; i++) {
    await rt.enrol(once(i));
    await rt.enrol(twice(i));
  }
  for (const day of [0, 3, 4, 8, 10, 12]) await timeline.realtimeOf(day).then(expectGroupsAlike);
  await timeline.through(L + 1);
  await rt.advance('2h');
  await expectGroupsAlike();
  for (let i = 0; i < STORIES.length; i++) {
    const [state, outcome] = STORIES[i]!.expected;
    expect({ i, ...view(await rt.progress(twice(i))) }).toMatchObject({ i, state, decision: outcome });
  }
  const credits = (await rt.credits()).map((c) => c.memberId).sort();
  const qualified = STORIES.flatMap((s, i) =>
    s.expected[1] === 'QUALIFIED' ? [once(i), twice(i)] : [],
  ).sort();
  expect(credits).toEqual(qualified);
  expect(await rt.deadLetters()).toEqual([]);
});
