import { mapBounded } from '../../src/adapters/concurrency';
import { memoryRewardRepository } from '../support/memory';
import type { RewardRepository } from '../../src/adapters/ports';
import { isTransientPointsError } from '../../src/adapters/points/errors';
import {
  createPointsClient,
  type CreditResult,
  type PointsClient,
} from '../../src/adapters/points/pointsClient';
import { seededRandom, startPointsStandIn, type PointsStandIn } from '../../local/points';

const CAMPAIGN = 'cold-member-activation';
const MEMBERS = Array.from({ length: 200 }, (_, i) => `M-${String(i).padStart(3, '0')}`);
const AT = '2026-12-08T00:00:00.000Z';

/** The orchestrator's retry policy, with delays shrunk to milliseconds (durable RetryOptions shape). */
const RETRY = {
  maxNumberOfAttempts: 3,
  firstRetryIntervalInMilliseconds: 1,
  backoffCoefficient: 2,
  maxRetryIntervalInMilliseconds: 4,
};

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One issuance attempt as the activity makes it: call, then record what the points system said. */
async function issueOnce(
  points: PointsClient,
  rewards: RewardRepository,
  memberId: string,
  attempt: number,
): Promise<CreditResult | undefined> {
  try {
    const result = await points.creditPoints({
      memberId,
      points: 2000,
      campaignId: CAMPAIGN,
      reference: `${CAMPAIGN}:${memberId}`,
    });
    const settled = result.kind === 'ISSUED' || result.kind === 'REPLAYED';
    await rewards.updateIssuance(CAMPAIGN, memberId, {
      status: settled ? 'ISSUED' : 'NEEDS_REVIEW',
      outcome: result.kind,
      attempts: attempt,
      updatedAt: AT,
      ...(settled ? { creditId: result.credit.creditId } : {}),
    });
    return result;
  } catch (error) {
    if (!isTransientPointsError(error)) throw error;
    await rewards.updateIssuance(CAMPAIGN, memberId, {
      attempts: attempt,
      lastError: String(error),
      updatedAt: AT,
    });
    return undefined;
  }
}

/** The orchestration's bounded retries; a member still failing is left PENDING for the sweep. */
async function orchestrate(points: PointsClient, rewards: RewardRepository, memberId: string): Promise<void> {
  let delay = RETRY.firstRetryIntervalInMilliseconds;
  for (let attempt = 1; attempt <= RETRY.maxNumberOfAttempts; attempt++) {
    if (await issueOnce(points, rewards, memberId, attempt)) return;
    await pause(delay);
    delay = Math.min(delay * RETRY.backoffCoefficient, RETRY.maxRetryIntervalInMilliseconds);
  }
}

describe('exactly-once rewards against a faulty points system', () => {
  let standIn: PointsStandIn;
  afterEach(async () => {
    await standIn.close();
  });

  it.each([7, 42, 1234])(
    'credits 200 qualified members exactly once (fault seed %i)',
    async (seed) => {
      standIn = await startPointsStandIn({
        random: seededRandom(seed),
        faults: {
          commitThenTimeoutRate: 0.3,
          commitThenTimeoutMode: 'mixed',
          hangMs: 5_000,
          errorRate: 0.15,
        },
      });
      const points = createPointsClient({ url: standIn.url, timeoutMs: 200 });
      const rewards = memoryRewardRepository();
      for (const memberId of MEMBERS)
        await rewards.recordDecision({
          memberId,
          campaignId: CAMPAIGN,
          decision: 'QUALIFIED',
          decidedAt: AT,
          points: 2000,
        });

      await mapBounded(MEMBERS, 25, (memberId) => orchestrate(points, rewards, memberId));

      // The sweep drives whatever the orchestrations left PENDING, pass after pass, with faults still on.
      let sweptMembers = 0;
      for (let pass = 0; pass < 30; pass++) {
        const stuck = await rewards.listStuck(CAMPAIGN, AT, 1000);
        if (stuck.length === 0) break;
        sweptMembers += stuck.length;
        await mapBounded(stuck, 25, (doc) => orchestrate(points, rewards, doc.memberId));
      }

      const credits = standIn.credits();
      expect(credits).toHaveLength(200);
      expect(new Set(credits.map((c) => c.memberId))).toEqual(new Set(MEMBERS));
      expect(credits.every((c) => c.reference === `${CAMPAIGN}:${c.memberId}` && c.points === 2000)).toBe(
        true,
      );

      const docs = rewards.all();
      expect(docs.map((d) => d.issuance?.status)).toEqual(MEMBERS.map(() => 'ISSUED'));
      expect(docs.every((d) => d.issuance?.outcome === 'ISSUED' || d.issuance?.outcome === 'REPLAYED')).toBe(
        true,
      );
      const creditIdOf = new Map(credits.map((c) => [c.memberId, c.creditId]));
      expect(docs.every((d) => d.issuance?.creditId === creditIdOf.get(d.memberId))).toBe(true);

      // The faults really happened: lost answers were replayed, and some members needed the sweep.
      const stats = standIn.stats();
      expect(stats.created).toBe(200);
      expect(stats.commitThenTimeouts).toBeGreaterThan(20);
      expect(stats.injectedErrors).toBeGreaterThan(10);
      expect(docs.filter((d) => d.issuance?.outcome === 'REPLAYED').length).toBeGreaterThan(10);
      expect(sweptMembers).toBeGreaterThan(0);
    },
    25_000,
  );
});
