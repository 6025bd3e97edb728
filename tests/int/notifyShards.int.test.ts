import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as df from 'durable-functions';
import '../../src/entities/member';
import '../../src/entities/notificationOutbox';
import '../../src/orchestrators/notifyDispatch';
import { durableHarness, type Harness } from '../../local/durable/testing/harness';
import type { NotificationPublisher } from '../../src/adapters/serviceBus/notificationPublisher';
import { campaignClient, type CampaignClient } from '../../src/app/campaignClient';
import { drainShard } from '../../src/app/notifyDrain';
import { wakeNotifyFor, wakeQueuedShards } from '../../src/app/notifyWake';
import { createEnrolment, type Enrolment, type Notification } from '../../src/domain';
import { NOTIFY_DRAIN_ACTIVITY, notifyDispatchInstanceId, notifyShardOf } from '../../src/durableNames';
import { config, fed, obs } from '../support/domainBuilders';
import { memoryMemberStateRepository } from '../support/memory';

// The sharded outbox end to end on the local durable engine: the real member entity, the real shard
// entities and the real `notifyDispatch` orchestration; only the topic is a recording (it drops a message
// id it has seen, as the topic's duplicate detection does, and keeps every send for the test to read).

class Topic implements NotificationPublisher {
  readonly sends: Notification[] = [];
  failures = 0;
  async publish(notifications: readonly Notification[]): Promise<void> {
    if (notifications.length === 0) return;
    if (this.failures > 0) {
      this.failures -= 1;
      throw new Error('ServiceBusError: ServiceUnavailable');
    }
    this.sends.push(...notifications);
  }
  async close(): Promise<void> {}
  /** What subscribers receive: each message id once, in first-send order. */
  delivered(memberId: string): string[] {
    const ids = this.sends.filter((n) => n.memberId === memberId).map((n) => n.id);
    return [...new Set(ids)];
  }
}

let topic: Topic;
let current: CampaignClient;
let states: ReturnType<typeof memoryMemberStateRepository>;
df.app.activity(NOTIFY_DRAIN_ACTIVITY, {
  handler: (input: unknown) =>
    drainShard(
      {
        services: {
          publisher: topic,
          repos: { memberStates: states },
          now: () => new Date(harness.clock.now()).toISOString(),
        },
        client: current,
      },
      (input as { shard: string }).shard,
    ),
});

// Two members on different shards (the test would prove nothing if they shared one).
const A = 'M-1';
const B = 'M-2';
const ENROLLED_AT = '2026-11-25T01:00:00.000Z';
const reached = (m: string) => `cold-member-activation:${m}:TARGET_REACHED:1`;
const issued = (m: string) => `cold-member-activation:${m}:REWARD_ISSUED:1`;

function enrolmentOf(memberId: string): Enrolment {
  const result = createEnrolment({ memberId }, ENROLLED_AT, config());
  if (!result.ok) throw new Error(result.detail);
  return result.value;
}

let dir: string;
let harness: Harness;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'notify-shards-'));
  topic = new Topic();
  states = memoryMemberStateRepository();
  harness = await durableHarness({ dbPath: join(dir, 'durable.db'), startMs: Date.parse(ENROLLED_AT) });
  current = campaignClient(harness.client);
});
afterEach(async () => {
  await harness.close();
  rmSync(dir, { recursive: true, force: true });
});

const settle = async (h: Harness = harness, ms = 10_000) => {
  await h.engine.whenIdle();
  await h.clock.advance(ms);
  await h.engine.whenIdle();
};

/** Enrols the member and takes it to the target (TARGET_REACHED queued), as the real-time handler does. */
const loadOf = (memberId: string) =>
  obs({ id: `T-${memberId}`, memberId, cents: 100_000, initiatedAt: '2026-11-25T02:00:00.000Z' });

async function reachTarget(memberId: string): Promise<void> {
  const enrolment = enrolmentOf(memberId);
  await current.signalMember(memberId, 'enrol', { enrolment, at: ENROLLED_AT });
  await current.signalMember(memberId, 'applyRealtime', {
    observations: [loadOf(memberId)],
    at: ENROLLED_AT,
  });
  await wakeNotifyFor(current, [memberId]);
}

/** Decides and records an issued reward (REWARD_ISSUED queued), as memberCampaign and its activity do. */
async function issueReward(memberId: string): Promise<void> {
  const { window } = enrolmentOf(memberId);
  const now = new Date(Date.parse(window.evaluationAt) + 60_000).toISOString();
  // the overnight feed confirms the load, so the decision qualifies
  await current.signalMember(memberId, 'applyFeedBatch', {
    businessDate: '2026-11-25',
    version: 1,
    observations: [fed(loadOf(memberId), '2026-11-25')],
    at: now,
  });
  // one after another, as the feed and then memberCampaign send them (client signals have no order)
  await harness.engine.whenIdle();
  await current.signalMember(memberId, 'decide', { now, watermark: window.lastGraceDate });
  await harness.engine.whenIdle();
  await current.signalMember(memberId, 'recordReward', {
    reward: { status: 'ISSUED', points: 2000, attempts: 1, issuedAt: now, creditId: `C-${memberId}` },
    at: now,
  });
  await wakeNotifyFor(current, [memberId]);
}

const outboxOf = async (memberId: string) =>
  ((await current.readMember(memberId))?.ledger?.outbox ?? []).map((n) => n.id);

describe('sharded notification outbox with dispatch on wake (no timer)', () => {
  it('puts the two members on different shards', () => {
    expect(notifyShardOf(A)).not.toBe(notifyShardOf(B));
  });

  it('delivers both members notifications, in order per member, and leaves nothing queued', async () => {
    // Given two members on different shards, each reaching the target
    await reachTarget(A);
    await reachTarget(B);
    await settle();

    // When their rewards are issued later (each shard's dispatch finished in between and is woken again)
    expect(await current.status(notifyDispatchInstanceId(notifyShardOf(A)))).toMatchObject({
      runtimeStatus: 'Completed',
    });
    await harness.clock.advance(31 * 86_400_000);
    await issueReward(A);
    await issueReward(B);
    await settle();

    // Then each member's notifications arrived, in the order they were raised
    expect(topic.delivered(A)).toEqual([reached(A), issued(A)]);
    expect(topic.delivered(B)).toEqual([reached(B), issued(B)]);
    // And the entities and both shards hold nothing more, and both dispatches finished
    expect(await outboxOf(A)).toEqual([]);
    expect(await outboxOf(B)).toEqual([]);
    for (const m of [A, B]) {
      expect(await current.readOutbox(notifyShardOf(m))).toEqual({});
      expect(await current.status(notifyDispatchInstanceId(notifyShardOf(m)))).toMatchObject({
        runtimeStatus: 'Completed',
      });
    }
    // And the memberStates projection followed both members to COMPLETE, written by the same dispatch
    for (const m of [A, B])
      expect(await states.get('cold-member-activation', m)).toMatchObject({
        state: 'COMPLETE',
        decision: 'QUALIFIED',
        rewardStatus: 'ISSUED',
      });
    // And no shard without work was started
    const started = (await harness.client.getStatusAll()).filter((s) =>
      s.instanceId.startsWith('notifyDispatch:'),
    );
    expect(started.map((s) => s.instanceId).sort()).toEqual(
      [A, B].map((m) => notifyDispatchInstanceId(notifyShardOf(m))).sort(),
    );
  });

  it('publishes a celebration withdrawn and raised again under its new epoch, after the first', async () => {
    // Given TARGET_REACHED published, then the load reversed and another load reaching the target again
    await reachTarget(A);
    await settle();
    const reversed = { ...loadOf(A), status: 'REVERSED' as const };
    await current.signalMember(A, 'applyRealtime', { observations: [reversed], at: ENROLLED_AT });
    await current.signalMember(A, 'applyRealtime', {
      observations: [{ ...loadOf(A), transactionId: 'T-again' }],
      at: ENROLLED_AT,
    });
    await wakeNotifyFor(current, [A]);

    // When the shard is drained
    await settle();

    // Then both raisings went out, in order, each under its own message id
    expect(topic.sends.map((n) => n.id)).toEqual([
      reached(A),
      `cold-member-activation:${A}:TARGET_REACHED:2`,
    ]);
  });

  it('loses and duplicates nothing when the drain crashes after publishing (kill -9), then resumes', async () => {
    // Given both members queued, and a host that dies after the first drain published but before it committed
    await reachTarget(A);
    await reachTarget(B);
    await harness.engine.whenIdle();
    await harness.close();
    let crashed = false;
    const dying = await durableHarness({
      dbPath: join(dir, 'durable.db'),
      startMs: harness.clock.now(),
      faults: {
        crashBeforeCommit: (step) =>
          (crashed ||= step.kind === 'activity' && step.name === NOTIFY_DRAIN_ACTIVITY),
      },
    });
    current = campaignClient(dying.client);
    await dying.clock.advance(3_000);
    await dying.engine.whenIdle();
    expect(crashed).toBe(true);
    const publishedBeforeCrash = topic.sends.length;
    expect(publishedBeforeCrash).toBeGreaterThan(0);

    // When a new host opens the same store
    harness = await dying.restart({ atMs: dying.clock.now() });
    current = campaignClient(harness.client);
    await settle();

    // Then every notification was delivered once (the re-sent ones under the same message id)
    expect(topic.delivered(A)).toEqual([reached(A)]);
    expect(topic.delivered(B)).toEqual([reached(B)]);
    const ids = topic.sends.map((n) => n.id);
    expect(new Set(ids).size).toBe(2);
    expect(await outboxOf(A)).toEqual([]);
    expect(await outboxOf(B)).toEqual([]);
  });

  it('retries a pass the topic refused, and the sweep safety net drains a shard whose wake was lost', async () => {
    // Given a queued notification whose wake never happened (the signalling function died in between)
    const enrolment = enrolmentOf(A);
    await current.signalMember(A, 'enrol', { enrolment, at: ENROLLED_AT });
    await current.signalMember(A, 'applyRealtime', {
      observations: [loadOf(A)],
      at: ENROLLED_AT,
    });
    await settle();
    expect(topic.sends).toEqual([]);

    // When the sweep's safety net runs, and the topic refuses the first send
    topic.failures = 1;
    expect(await wakeQueuedShards(current)).toEqual([notifyShardOf(A)]);
    await settle(harness, 10_000);

    // Then the notification was delivered, and nothing is queued any more
    expect(topic.delivered(A)).toEqual([reached(A)]);
    expect(await outboxOf(A)).toEqual([]);
    expect(await wakeQueuedShards(current)).toEqual([]);
  });

  it.each([1, 2, 3])(
    'delivers each message id once per member when entity messages are reordered and redelivered (seed %i)',
    async (seed) => {
      // Given the engine delivering entity messages adversarially: client signals duplicated, senders interleaved
      await harness.close();
      harness = await durableHarness({
        dbPath: join(dir, `adversarial-${seed}.db`),
        startMs: Date.parse(ENROLLED_AT),
        delivery: { mode: 'adversarial', seed, duplicateProbability: 0.5 },
      });
      current = campaignClient(harness.client);

      // When both members reach the target and, later, are rewarded
      await reachTarget(A);
      await reachTarget(B);
      await settle();
      await harness.clock.advance(31 * 86_400_000);
      await issueReward(A);
      await issueReward(B);
      await settle();

      // Then each member saw each notification once, in order, and the topic was never sent one twice
      expect(topic.delivered(A)).toEqual([reached(A), issued(A)]);
      expect(topic.delivered(B)).toEqual([reached(B), issued(B)]);
      expect(topic.sends).toHaveLength(4);
    },
  );
});
