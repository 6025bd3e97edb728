import { createNotificationPublisher } from '../../src/adapters/serviceBus/notificationPublisher';
import { createEnrolment } from '../../src/domain';
import { dispatchNotifications } from '../../src/app/notifyDrain';
import { handleTransaction } from '../../src/functions/realtime/handleTransaction';
import { notifyShardOf } from '../../src/durableNames';
import { testApp, type TestApp } from '../support/fakeCampaignClient';

// Notifications (docs/contracts.md): the member entity queues them, the dispatcher publishes them with the
// real publisher (only the Service Bus sender is replaced, so message ids are checked as sent) and then
// acknowledges exactly what it published.

interface SentMessage {
  messageId: string;
  subject: string;
  contentType: string;
  body: unknown;
}

const mockTopic: { sent: SentMessage[]; faults: Error[] } = { sent: [], faults: [] };

jest.mock('@azure/service-bus', () => ({
  ServiceBusClient: class {
    createSender() {
      return {
        async sendMessages(messages: SentMessage[]) {
          const fault = mockTopic.faults.shift();
          if (fault) throw fault;
          mockTopic.sent.push(...messages);
        },
        async close() {},
      };
    }
    async close() {}
  },
}));

const NOW = '2026-11-25T00:00:00.000Z';
const ENROLLED_AT = '2026-11-24T22:00:00.000Z';
const TARGET_REACHED_1 = 'cold-member-activation:M-1:TARGET_REACHED:1';

let app: TestApp;
beforeEach(async () => {
  mockTopic.sent = [];
  mockTopic.faults = [];
  app = testApp({ now: NOW });
  app.services.publisher = createNotificationPublisher({
    topic: 'member-progress',
    connectionString: app.services.settings.serviceBus.connectionString ?? '',
  });
  const enrolment = createEnrolment({ memberId: 'M-1' }, ENROLLED_AT, app.services.settings.campaign);
  if (!enrolment.ok) throw new Error(enrolment.detail);
  await app.repos.members.create(enrolment.value);
  await app.client.signalMember('M-1', 'enrol', { enrolment: enrolment.value, at: ENROLLED_AT });
});

async function deliver(status: 'SETTLED' | 'REVERSED', transactionId = 'T-1', audAmount = '1000.00') {
  const body = {
    transactionId,
    memberId: 'M-1',
    type: 'LOAD',
    method: 'APPLE_PAY',
    status,
    amount: audAmount,
    currency: 'AUD',
    audAmount,
    initiatedAt: '2026-11-25T10:00:00+11:00',
    settledAt: '2026-11-25T10:00:01+11:00',
  };
  await handleTransaction(
    body,
    { messageId: `${transactionId}:${status}`, enqueuedTimeUtc: app.clock.now() },
    app,
  );
}

let failures: string[] = [];
const dispatch = () => dispatchNotifications(app, (line) => failures.push(line));
const outboxOf = (memberId: string) => app.client.state(memberId)?.ledger?.outbox ?? [];
/** The index's notification ids (its `memberState:v…` effects are the projection's, tested below). */
const notificationIndex = async (shard?: string): Promise<Record<string, string[]>> =>
  Object.fromEntries(
    Object.entries(await app.client.readOutbox(shard))
      .map(([m, ids]) => [m, ids.filter((id) => !id.startsWith('memberState:'))] as const)
      .filter(([, ids]) => ids.length > 0),
  );

describe('notifications', () => {
  it('queues a TARGET_REACHED notification in the entity and the outbox index when the target is reached', async () => {
    // Given an enrolled member with nothing queued
    expect(await notificationIndex()).toEqual({});

    // When a load takes them to the target
    await deliver('SETTLED');

    // Then the entity holds the notification and the index names it
    expect(outboxOf('M-1')).toEqual([
      {
        id: TARGET_REACHED_1,
        kind: 'TARGET_REACHED',
        memberId: 'M-1',
        campaignId: 'cold-member-activation',
        at: NOW,
      },
    ]);
    expect(await notificationIndex()).toEqual({ 'M-1': [TARGET_REACHED_1] });
  });

  it("wakes the member's outbox shard from the real-time handler, and no other shard", async () => {
    // Given an enrolled member (no dispatch woken yet)
    expect(app.client.wakes).toEqual([]);

    // When a load arrives
    await deliver('SETTLED');

    // Then the handler woke exactly the member's shard, and the notification sits in that shard only
    expect(app.client.wakes).toEqual([notifyShardOf('M-1')]);
    expect(await notificationIndex(notifyShardOf('M-1'))).toEqual({ 'M-1': [TARGET_REACHED_1] });
    expect(await notificationIndex(notifyShardOf('M-2'))).toEqual({});
  });

  it('queues nothing below the target', async () => {
    // Given an enrolled member
    // When a load leaves them short of the target
    await deliver('SETTLED', 'T-1', '999.99');

    // Then nothing is queued
    expect(outboxOf('M-1')).toEqual([]);
    expect(await notificationIndex()).toEqual({});
  });

  it('publishes once with the deterministic message id, acks it in the entity and clears the index', async () => {
    // Given a queued TARGET_REACHED
    await deliver('SETTLED');

    // When the dispatcher runs, and runs again
    const first = await dispatch();
    const second = await dispatch();

    // Then one message went to the topic, with the id duplicate detection keys on
    expect([first, second]).toEqual([1, 0]);
    expect(mockTopic.sent).toEqual([
      {
        messageId: TARGET_REACHED_1,
        subject: 'TARGET_REACHED',
        contentType: 'application/json',
        body: { memberId: 'M-1', campaignId: 'cold-member-activation', kind: 'TARGET_REACHED', at: NOW },
      },
    ]);
    // And the entity no longer holds it, nor the index
    expect(outboxOf('M-1')).toEqual([]);
    expect(await notificationIndex()).toEqual({});
  });

  it('writes the memberStates projection from the same pass, then leaves the shard empty', async () => {
    // Given a member taken to the target (projection changes queued with the notification)
    await deliver('SETTLED');
    expect((await app.client.readOutbox(notifyShardOf('M-1')))['M-1']).toContain('memberState:v2');

    // When the dispatcher runs
    await dispatch();

    // Then the projection shows the member's state under the entity's version, and nothing is queued
    expect(await app.repos.memberStates.get('cold-member-activation', 'M-1')).toMatchObject({
      state: 'PENDING_REWARD',
      atRisk: false,
      held: false,
      decision: null,
      rewardStatus: null,
      version: app.client.state('M-1')?.projection?.version,
      stateSince: NOW,
    });
    expect(await app.client.readOutbox()).toEqual({});
  });

  it('re-publishes the same message id after a crash between publishing and acknowledging', async () => {
    // Given a queued notification, published, but the run dies before the entity is told
    await deliver('SETTLED');
    failures = [];
    app.client.failNextSignal(new Error('host shut down'));
    await dispatch();
    expect(failures).toEqual([expect.stringMatching(/^NOTIFY_FAILED memberId=M-1 host shut down/)]);
    expect(outboxOf('M-1')).toHaveLength(1);

    // When the next run comes
    const published = await dispatch();

    // Then it publishes again under the SAME message id (so the topic drops the duplicate), then acks
    expect(published).toBe(1);
    expect(mockTopic.sent.map((m) => m.messageId)).toEqual([TARGET_REACHED_1, TARGET_REACHED_1]);
    expect(outboxOf('M-1')).toEqual([]);
    expect(await notificationIndex()).toEqual({});
  });

  it('keeps the notification queued when publishing fails', async () => {
    // Given a queued notification and a topic that refuses the first send
    await deliver('SETTLED');
    mockTopic.faults.push(new Error('ServiceBusError: ServiceUnavailable'));

    // When the dispatcher runs, fails (logged, not thrown: other members must not wait), and runs again
    failures = [];
    expect(await dispatch()).toBe(0);
    expect(failures).toEqual([expect.stringMatching(/^NOTIFY_FAILED memberId=M-1 .*ServiceUnavailable/)]);
    const afterFailure = { entity: outboxOf('M-1').length, index: await notificationIndex() };
    await dispatch();

    // Then nothing was acknowledged by the failed run, and the next run delivered it
    expect(afterFailure).toEqual({ entity: 1, index: { 'M-1': [TARGET_REACHED_1] } });
    expect(mockTopic.sent.map((m) => m.messageId)).toEqual([TARGET_REACHED_1]);
    expect(outboxOf('M-1')).toEqual([]);
  });

  it('does not publish a celebration withdrawn before dispatch', async () => {
    // Given the target reached, then the load reversed before the dispatcher ran
    await deliver('SETTLED');
    await deliver('REVERSED');
    expect(outboxOf('M-1')).toEqual([]);

    // When the dispatcher runs
    const published = await dispatch();

    // Then nothing is published and the stale index entry is cleared
    expect(published).toBe(0);
    expect(mockTopic.sent).toEqual([]);
    expect(await notificationIndex()).toEqual({});
    expect(app.client.signalsFor('M-1', 'ackOutbox')).toEqual([]);
  });

  it('raises a re-entered celebration under a new epoch, so it is not dropped as a duplicate', async () => {
    // Given TARGET_REACHED raised and withdrawn before dispatch
    await deliver('SETTLED', 'T-1');
    await deliver('REVERSED', 'T-1');

    // When another load takes the member back to the target and the dispatcher runs
    app.clock.advance(3_600_000);
    await deliver('SETTLED', 'T-2');
    await dispatch();

    // Then the second raising is published under epoch 2
    expect(mockTopic.sent.map((m) => m.messageId)).toEqual(['cold-member-activation:M-1:TARGET_REACHED:2']);
  });
});
