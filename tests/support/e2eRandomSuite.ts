import { E2eRuntime } from './e2eRuntime';
import { observationsOf, randomCohort } from './e2eRandomCohort';
import { Timeline } from './e2eTimeline';
import { CampaignDays } from './e2eTransactions';
import {
  DEFAULT_MODEL_CONFIG,
  modelFinal,
  modelStateBeforeDecision,
  type ModelConfig,
} from './referenceModel';

export interface RandomSuiteOptions {
  name: string;
  seed: number;
  size: number;
  /** Day 0 of the timeline (a local date); the first group enrols on it at 09:00. */
  day0: string;
  /** A second group (every other member) enrols this many days later, if given. */
  secondGroupDay?: number;
  withdrawalPolicy: ModelConfig['withdrawalPolicy'];
  /** Outcomes the seed must produce, or the comparison proves little. */
  mustSee: string[];
}

const L = 35;

/**
 * Random members through a whole campaign on the runtime, compared member by member with the
 * independent reference model (tests/support/referenceModel.ts): mid-window, then after the decision.
 */
export function describeRandomCohort(o: RandomSuiteOptions): void {
  const days = new CampaignDays(o.day0);
  const second = o.secondGroupDay ?? 0;
  // rows after the later group's last grace date still arrive, after its cut-off
  const lastFeedDay = second + L + 3;
  const midDay = second + 6;
  const cohort = randomCohort(o.seed, o.size, days, lastFeedDay, (i) => (i % 2 === 0 ? second : 0));
  const enrolledAt = (memberId: string): string => days.at(cohort.enrolDay.get(memberId) ?? 0, 9);
  const inGroup = (day: number): string[] => cohort.memberIds.filter((m) => cohort.enrolDay.get(m) === day);
  const config: ModelConfig = { ...DEFAULT_MODEL_CONFIG, withdrawalPolicy: o.withdrawalPolicy };

  describe(`${o.size} random members, ${o.withdrawalPolicy} (seed ${o.seed}) against the reference model`, () => {
    let rt: E2eRuntime;
    let timeline: Timeline;

    beforeAll(async () => {
      rt = await E2eRuntime.start({
        name: o.name,
        clockStart: days.at(0, 8),
        env: { CAMPAIGN_FEED_START_DATE: days.date(0), CAMPAIGN_WITHDRAWAL_POLICY: o.withdrawalPolicy },
      });
      timeline = new Timeline(rt, days);
      for (const [day, messages] of cohort.realtime) timeline.publishOn(day, ...messages);
      for (const [day, rows] of cohort.feed) timeline.feedOn(day, ...rows);
    });

    afterAll(async () => {
      await rt?.stop();
    });

    it('agrees on every member mid-window (state, progress, pending, atRisk)', async () => {
      await rt.advanceTo(days.at(0, 9));
      for (const memberId of inGroup(0)) await rt.enrol(memberId);
      if (second > 0) {
        await timeline.through(second - 1);
        await rt.advanceTo(days.at(second, 9));
        for (const memberId of inGroup(second)) {
          const enrolled = await rt.enrol(memberId);
          // the window closes at local midnight whatever daylight saving did in between
          expect(enrolled.windowClosesAt).toBe(new Date(days.at(second + 31, 0)).toISOString());
        }
      }
      await timeline.realtimeOf(midDay);
      const observations = observationsOf(cohort, days, midDay - 1, midDay);
      const now = Date.parse(await rt.now());
      const diffs: unknown[] = [];
      for (const memberId of cohort.memberIds) {
        const expected = modelStateBeforeDecision(
          enrolledAt(memberId),
          observations.get(memberId) ?? [],
          now,
          config,
        );
        const p = await rt.progress(memberId);
        const got = {
          state: p.state,
          progressCents: p.progressCents,
          pendingCents: p.pendingCents,
          atRisk: p.atRisk,
        };
        if (JSON.stringify(got) !== JSON.stringify(expected)) diffs.push({ memberId, got, expected });
      }
      expect(diffs).toEqual([]);
    });

    it('agrees on every member after the campaign (state, decision, credits, progress as of L)', async () => {
      await timeline.through(lastFeedDay);
      await rt.advance('3h');
      const observations = observationsOf(cohort, days, lastFeedDay);
      const credits = await rt.credits();
      const diffs: unknown[] = [];
      const tally: Record<string, number> = {};
      for (const memberId of cohort.memberIds) {
        const expected = modelFinal(enrolledAt(memberId), observations.get(memberId) ?? [], config);
        tally[expected.state] = (tally[expected.state] ?? 0) + 1;
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
      expect(Object.keys(tally)).toEqual(expect.arrayContaining(o.mustSee));
      expect(credits.every((c) => cohort.memberIds.includes(c.memberId))).toBe(true);
      expect(await rt.deadLetters()).toEqual([]);
      process.stdout.write(`${o.name} outcomes (seed ${o.seed}): ${JSON.stringify(tally)}\n`);
    });
  });
}
