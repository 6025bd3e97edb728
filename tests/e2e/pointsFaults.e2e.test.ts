import { E2eRuntime } from '../support/e2eRuntime';
import { Timeline } from '../support/e2eTimeline';
import { CampaignDays, feedRow, message, type Tx } from '../support/e2eTransactions';

/**
 * SPEC §6: a QUALIFIED decision is paid exactly once whatever the points system does. First every call
 * commits and then times out (the worst case for double issuance), then 30% of calls fail (5xx/429 or
 * commit-then-timeout) while the orchestration's retries and the sweep drive every reward to ISSUED.
 */
jest.setTimeout(180_000);

const days = new CampaignDays('2026-11-26');
const L = 35;
const qualified = Array.from({ length: 12 }, (_, i) => `E2E-PTS-Q${String(i + 1).padStart(2, '0')}`);
const notReached = ['E2E-PTS-N01', 'E2E-PTS-N02', 'E2E-PTS-N03'];

let rt: E2eRuntime;

beforeAll(async () => {
  rt = await E2eRuntime.start({
    name: 'points-faults',
    clockStart: days.at(0, 8),
    // the client gives up quickly, so a commit-then-timeout costs 150 ms of wall time, not 10 s
    env: { CAMPAIGN_FEED_START_DATE: days.date(0), POINTS_API_TIMEOUT_MS: '150' },
  });
});

afterAll(async () => {
  await rt?.stop();
});

it('issues exactly one credit per qualified member while the points system fails', async () => {
  const timeline = new Timeline(rt, days);
  [...qualified, ...notReached].forEach((memberId, i) => {
    const amount = qualified.includes(memberId) ? `${1000 + i * 10}.00` : '999.99';
    const t: Tx = {
      transactionId: `${memberId}-T1`,
      memberId,
      type: 'LOAD',
      method: i % 2 === 0 ? 'APPLE_PAY' : 'OSKO',
      amount,
      initiatedAt: days.at(0, 10),
    };
    timeline.publishOn(0, message(t, 'SETTLED')).feedOn(0, feedRow(t, 'SETTLED', days.date(0)));
  });
  await rt.advanceTo(days.at(0, 9));
  for (const memberId of [...qualified, ...notReached]) await rt.enrol(memberId);
  await timeline.through(L - 1);

  await rt.faults({ commitThenTimeoutRate: 1, commitThenTimeoutMode: 'mixed', hangMs: 2_000 });
  // the decision is taken when the last grace date's file (01:00 local) wakes the campaigns; the
  // orchestration's bounded retries (≤ 5 min) all end in a commit-then-timeout
  await timeline.through(L);
  await rt.advanceTo(days.at(L + 1, 2, 30));
  const afterTimeouts = await rt.credits();
  // every first call committed: one credit each, none acknowledged yet, none doubled by the retries
  expect(afterTimeouts.map((c) => c.memberId).sort()).toEqual(qualified);
  for (const memberId of qualified)
    expect(await rt.progress(memberId)).toMatchObject({
      state: 'REWARDING',
      decision: { outcome: 'QUALIFIED' },
    });
  const stuck = await rt.pointsStats();
  expect(stuck['commitThenTimeouts']).toBeGreaterThanOrEqual(qualified.length);

  await rt.faults({ errorRate: 0.3, commitThenTimeoutRate: 0.3, commitThenTimeoutMode: 'mixed' });
  await rt.advance('6h'); // the hourly sweep restarts what the bounded retries left

  const credits = await rt.credits();
  expect(credits.map((c) => c.memberId).sort()).toEqual(qualified);
  for (const c of credits)
    expect(c).toMatchObject({ points: 2000, reference: `cold-member-activation:${c.memberId}` });
  for (const memberId of qualified)
    expect(await rt.progress(memberId)).toMatchObject({
      state: 'COMPLETE',
      reward: { status: 'ISSUED', points: 2000 },
    });
  for (const memberId of notReached)
    expect(await rt.progress(memberId)).toMatchObject({ state: 'EXPIRED', reward: null });
  const stats = await rt.pointsStats();
  expect(stats['created']).toBe(qualified.length);
  expect(stats['injectedErrors']).toBeGreaterThan(0);
  expect(stats['replayed']).toBeGreaterThanOrEqual(qualified.length);
});
