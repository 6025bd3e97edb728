import { E2eRuntime } from '../support/e2eRuntime';
import { observationsOf, randomCohort } from '../support/e2eRandomCohort';
import { Timeline } from '../support/e2eTimeline';
import { CampaignDays } from '../support/e2eTransactions';
import { modelFinal, type ModelObservation } from '../support/referenceModel';

/**
 * `kill -9` of the whole runtime in the middle of a campaign, twice: right after a day's messages and feed
 * file were acknowledged (still being processed), and in the middle of the evaluation while rewards are
 * being issued. Each time it restarts on the same data dir; the outcome must equal an uninterrupted run's
 * (the reference model, which the random-cohort test checks against an uninterrupted run), with nothing
 * lost and nothing applied or credited twice.
 */
jest.setTimeout(180_000);

const days = new CampaignDays('2026-11-26');
const L = 35;
const LAST_FEED_DAY = L + 2;
const CRASH_DAY = 3;
const cohort = randomCohort(7, 40, days, LAST_FEED_DAY);
const enrolledAt = days.at(0, 9);

const TRACKED: Record<string, string[]> = {
  LOAD: ['DEBIT_CARD', 'APPLE_PAY', 'GOOGLE_PAY', 'OSKO', 'BPAY', 'BANK_TRANSFER'],
  WITHDRAWAL: ['CARDHOLDER_TRANSFER', 'BANK_ACCOUNT', 'ATM'],
};
const keyOf = (o: Pick<ModelObservation, 'transactionId' | 'source' | 'status' | 'knownOn'>): string =>
  `${o.transactionId}|${o.source}|${o.status}|${o.knownOn}`;

/** Observations as a ledger keeps them: real-time ones once per status (the earliest), feed ones per date. */
function ledgerKeys(observations: readonly ModelObservation[]): string[] {
  const kept = new Map<string, ModelObservation>();
  for (const o of observations) {
    if (!TRACKED[o.type]?.includes(o.method)) continue;
    const id = `${o.transactionId}|${o.source}|${o.status}|${o.source === 'FEED' ? o.knownOn : ''}`;
    const seen = kept.get(id);
    if (!seen || o.knownOn < seen.knownOn) kept.set(id, o);
  }
  return [...kept.values()].map(keyOf).sort();
}

let rt: E2eRuntime;

beforeAll(async () => {
  rt = await E2eRuntime.start({
    name: 'crash-recovery',
    clockStart: days.at(0, 8),
    // every points call takes a while, so the second crash lands while rewards are being issued
    // tiny chunks, so the first crash also interrupts a feed run between its chunks
    env: {
      CAMPAIGN_FEED_START_DATE: days.date(0),
      LOCAL_POINTS_FAULTS: '{"latencyMs":250}',
      FEED_CHUNK_ROWS: '2',
    },
  });
});

afterAll(async () => {
  await rt?.stop();
});

it('survives kill -9 mid-campaign and mid-evaluation with the outcome of an uninterrupted run', async () => {
  // the crash day's messages and file are sent by hand, so the timeline plays nothing on that day
  const timeline = new Timeline(rt, days, { skipFeed: new Set([CRASH_DAY]) });
  for (const [day, messages] of cohort.realtime) if (day !== CRASH_DAY) timeline.publishOn(day, ...messages);
  for (const [day, rows] of cohort.feed) timeline.feedOn(day, ...rows);

  await rt.advanceTo(enrolledAt);
  for (const memberId of cohort.memberIds) await rt.enrol(memberId);
  await timeline.realtimeOf(CRASH_DAY);
  const crashMessages = cohort.realtime.get(CRASH_DAY) ?? [];
  expect(crashMessages.length).toBeGreaterThanOrEqual(5);
  await rt.publish(crashMessages); // acknowledged by the queue, not yet processed
  const crashRows = cohort.feed.get(CRASH_DAY) ?? [];
  expect(crashRows.length).toBeGreaterThan(4); // several chunks of 2 rows
  await rt.dropFeed(days.date(CRASH_DAY), crashRows);
  await rt.waitForLog(new RegExp(`feed ${days.date(CRASH_DAY)}:v1:\\w+ chunk \\d+/`));
  await rt.kill9();
  await rt.restart();
  await rt.idle();

  await timeline.through(L);
  const pending = rt.advanceInBackground(days.at(L + 1, 4));
  await rt.waitForLog(/activity issueRewardPoints/, 60_000);
  await rt.kill9();
  await pending;
  await rt.restart();
  await rt.advanceTo(days.at(L + 1, 4));
  await timeline.through(LAST_FEED_DAY);
  await rt.advance('3h');

  const observations = observationsOf(cohort, days, LAST_FEED_DAY);
  const credits = await rt.credits();
  const diffs: unknown[] = [];
  let qualified = 0;
  for (const memberId of cohort.memberIds) {
    const expected = modelFinal(enrolledAt, observations.get(memberId) ?? []);
    if (expected.decision === 'QUALIFIED') qualified++;
    const p = await rt.progress(memberId);
    const got = {
      state: p.state,
      decision: p.decision?.outcome,
      points: credits.filter((c) => c.memberId === memberId).reduce((s, c) => s + c.points, 0),
      progressCents: p.progressCents,
    };
    if (JSON.stringify(got) !== JSON.stringify(expected)) diffs.push({ memberId, got, expected });
  }
  expect(diffs).toEqual([]);

  // nothing lost, nothing doubled: each member's stored ledger holds exactly one observation per
  // transaction and status (per business date for the feed), dated by its earliest sighting
  const ledgerDiffs: unknown[] = [];
  for (const memberId of cohort.memberIds) {
    const expected = ledgerKeys(observations.get(memberId) ?? []);
    const stored = (await rt.opsMember(memberId))['ledger'] as { observations: ModelObservation[] }[];
    const got = stored.flatMap((t) => t.observations.map(keyOf)).sort();
    if (JSON.stringify(got) !== JSON.stringify(expected)) ledgerDiffs.push({ memberId, got, expected });
  }
  expect(ledgerDiffs).toEqual([]);
  expect(qualified).toBeGreaterThan(3);
  expect(credits).toHaveLength(qualified);
  expect(await rt.deadLetters()).toEqual([]);
});
