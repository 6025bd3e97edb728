import { E2eRuntime, type TopicMessage } from './e2eRuntime';
import { observationsOf, randomCohort } from './e2eRandomCohort';
import { Timeline } from './e2eTimeline';
import { CampaignDays } from './e2eTransactions';
import {
  DEFAULT_MODEL_CONFIG,
  modelFinal,
  modelStateBeforeDecision,
  type ModelConfig,
  type ModelObservation,
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
 * Observations that can take a member out of PENDING_REWARD (and so let the celebration be raised again):
 * a load that fails, is reversed or is seen with another amount, and any withdrawal.
 */
function leavingChances(observations: readonly ModelObservation[]): number {
  const firstAmount = new Map<string, number>();
  let chances = 0;
  for (const o of observations) {
    const first = firstAmount.get(o.transactionId);
    if (first === undefined) firstAmount.set(o.transactionId, o.audCents);
    if (
      o.type === 'WITHDRAWAL' ||
      o.status === 'FAILED' ||
      o.status === 'REVERSED' ||
      (first !== undefined && first !== o.audCents)
    )
      chances += 1;
  }
  return chances;
}

/**
 * Each member is notified of each celebration once: REWARD_ISSUED exactly once for a paid member (and
 * never otherwise); TARGET_REACHED at least once for a paid member, and raised again (under a new id) no
 * more often than the member's own observations could have taken it out of PENDING_REWARD, so reordered
 * or duplicated deliveries never re-raise it. Returns the members that break it.
 */
function notificationDiffs(
  published: readonly TopicMessage[],
  paid: (memberId: string) => boolean,
  observationsOf: (memberId: string) => readonly ModelObservation[],
  memberIds: readonly string[],
): unknown[] {
  const byMember = new Map<string, { kind: string; id: string }[]>();
  for (const m of published) {
    const { kind, memberId } = JSON.parse(m.body) as { kind: string; memberId: string };
    byMember.set(memberId, [...(byMember.get(memberId) ?? []), { kind, id: m.messageId }]);
  }
  const diffs: unknown[] = [];
  for (const memberId of memberIds) {
    const sent = byMember.get(memberId) ?? [];
    const ids = (kind: string): string[] => sent.filter((n) => n.kind === kind).map((n) => n.id);
    const isPaid = paid(memberId);
    const issued = ids('REWARD_ISSUED');
    const reached = ids('TARGET_REACHED');
    const maxReached = 1 + leavingChances(observationsOf(memberId));
    const issuedOk = isPaid
      ? issued.length === 1 && issued[0]!.endsWith(':REWARD_ISSUED:1')
      : issued.length === 0;
    const reachedOk = reached.length <= maxReached && (!isPaid || reached.length >= 1);
    if (!issuedOk || !reachedOk) diffs.push({ memberId, paid: isPaid, notifications: sent, maxReached });
  }
  return diffs;
}

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
  // Entity messages arrive as Azure may deliver them at its worst (local/durable/README.md § Delivery).
  const deliverySeed = Number(process.env['E2E_DELIVERY_SEED'] ?? o.seed);
  const seeds = `seed ${o.seed}, adversarial delivery seed ${deliverySeed}`;

  describe(`${o.size} random members, ${o.withdrawalPolicy} (${seeds}) against the reference model`, () => {
    let rt: E2eRuntime;
    let timeline: Timeline;

    beforeAll(async () => {
      rt = await E2eRuntime.start({
        name: o.name,
        clockStart: days.at(0, 8),
        delivery: { mode: 'adversarial', seed: deliverySeed },
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
      expect({ seeds, diffs }).toEqual({ seeds, diffs: [] });
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
      expect({ seeds, diffs }).toEqual({ seeds, diffs: [] });
      expect(Object.keys(tally)).toEqual(expect.arrayContaining(o.mustSee));
      expect(credits.every((c) => cohort.memberIds.includes(c.memberId))).toBe(true);
      expect(await rt.deadLetters()).toEqual([]);
      process.stdout.write(`${o.name} outcomes (${seeds}): ${JSON.stringify(tally)}\n`);
    });

    it('notifies each member of each celebration exactly once, though deliveries were reordered and duplicated', async () => {
      const observations = observationsOf(cohort, days, lastFeedDay);
      const paid = new Set(
        cohort.memberIds.filter(
          (m) => modelFinal(enrolledAt(m), observations.get(m) ?? [], config).points > 0,
        ),
      );
      const published = await rt.topic('member-progress');
      expect(published.length).toBeLessThan(1000); // the admin listing's page: all of them are here
      const diffs = notificationDiffs(
        published,
        (m) => paid.has(m),
        (m) => observations.get(m) ?? [],
        cohort.memberIds,
      );
      expect({ seeds, diffs }).toEqual({ seeds, diffs: [] });
      // the mode did what it says: some messages overtook earlier ones, some client signals came twice
      const { total } = await rt.durableStats();
      expect(total['entityMessagesOvertaking']).toBeGreaterThan(0);
      expect(total['entityMessagesRedelivered']).toBeGreaterThan(0);
      process.stdout.write(
        `${o.name} delivery (${seeds}): ${total['entityMessagesOvertaking']} overtaking, ${total['entityMessagesRedelivered']} redelivered\n`,
      );
    });
  });
}
