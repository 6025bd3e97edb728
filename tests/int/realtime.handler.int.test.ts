import fc from 'fast-check';
import { faulty, memoryRepositories, type Faulty } from '../support/memory';
import type {
  IgnoredMessageCounter,
  LedgerRepository,
  MemberRepository,
  QuarantineRepository,
} from '../../src/adapters/ports';
import { createEnrolment, progressView } from '../../src/domain';
import { handleTransaction, type DeliveryMetadata } from '../../src/functions/realtime/handleTransaction';
import { testApp, type TestApp } from '../support/fakeCampaignClient';

// The Service Bus handler (SPEC §7) against in-memory repositories and real member-entity logic: every
// outcome is checked on both sides of the shell, the Cosmos ledger and the member entity.

const NOW = '2026-11-25T00:00:00.000Z'; // 11:00 Sydney, two hours after enrolment
const ENROLLED_AT = '2026-11-24T22:00:00.000Z';
const CAMPAIGN = 'cold-member-activation';

type Message = Record<string, string>;

function message(patch: Partial<Message> = {}): Message {
  const status = patch.status ?? 'SETTLED';
  return {
    transactionId: 'T-1',
    memberId: 'M-1',
    type: 'LOAD',
    method: 'APPLE_PAY',
    status,
    amount: '250.00',
    currency: 'AUD',
    audAmount: '250.00',
    initiatedAt: '2026-11-25T10:00:00+11:00',
    ...(status === 'PENDING' ? {} : { settledAt: '2026-11-25T10:00:01+11:00' }),
    ...patch,
  };
}

const metaOf = (m: Message, enqueuedTimeUtc = NOW): DeliveryMetadata => ({
  messageId: `${m.transactionId}:${m.status}`,
  enqueuedTimeUtc,
});

/** Stores the enrolment and enrols the entity, as POST /api/enrolments does. */
async function enrol(app: TestApp, memberId: string) {
  const enrolment = createEnrolment({ memberId }, ENROLLED_AT, app.services.settings.campaign);
  if (!enrolment.ok) throw new Error(enrolment.detail);
  await app.repos.members.create(enrolment.value);
  await app.client.signalMember(memberId, 'enrol', { enrolment: enrolment.value, at: ENROLLED_AT });
}

const deliver = (app: TestApp, m: unknown, meta: DeliveryMetadata) => handleTransaction(m, meta, app);
const progressOf = (app: TestApp, memberId: string) => {
  const ledger = app.client.state(memberId)?.ledger;
  if (!ledger) throw new Error(`${memberId} has no ledger`);
  return progressView(ledger, app.clock.now());
};

let app: TestApp;
beforeEach(async () => {
  app = testApp({ now: NOW });
  await enrol(app, 'M-1');
});

describe('real-time message handler', () => {
  it('merges a valid load into the ledger and signals the entity, so progress shows it', async () => {
    // Given an enrolled member
    const m = message();

    // When a settled instant load arrives
    const outcome = await deliver(app, m, metaOf(m));

    // Then it is applied: in the Cosmos ledger, and in the entity the app reads progress from
    expect(outcome).toBe('APPLIED');
    expect(await app.repos.ledger.get('M-1', 'T-1')).toMatchObject({
      id: 'T-1',
      memberId: 'M-1',
      observations: [{ status: 'SETTLED', audCents: 25_000, source: 'REALTIME', knownOn: '2026-11-25' }],
    });
    expect(app.client.signalsFor('M-1', 'applyRealtime')).toHaveLength(1);
    expect(progressOf(app, 'M-1')).toMatchObject({ state: 'ACTIVE', progressCents: 25_000, pendingCents: 0 });
  });

  it('accepts a body delivered as bytes', async () => {
    // Given the trigger hands over the raw message body
    const m = message();
    const bytes = new TextEncoder().encode(JSON.stringify(m));

    // When it is handled
    const outcome = await deliver(app, bytes, metaOf(m));

    // Then it is decoded and applied like a parsed body
    expect(outcome).toBe('APPLIED');
    expect(progressOf(app, 'M-1').progressCents).toBe(25_000);
  });

  it('answers DUPLICATE for the same message twice and leaves the entity unchanged', async () => {
    // Given a delivered message
    const m = message();
    await deliver(app, m, metaOf(m));
    const before = app.client.state('M-1');
    const ledgerBefore = await app.repos.ledger.get('M-1', 'T-1');

    // When the broker redelivers it later
    app.clock.advance(3_600_000);
    const outcome = await deliver(app, m, metaOf(m));

    // Then nothing changes, in the ledger or in the entity
    expect(outcome).toBe('DUPLICATE');
    expect(await app.repos.ledger.get('M-1', 'T-1')).toEqual(ledgerBefore);
    expect(app.client.state('M-1')).toEqual(before);
  });

  it('keeps SETTLED when PENDING arrives after it (out of order)', async () => {
    // Given a delayed load whose SETTLED message overtook its PENDING one
    const settled = message({ method: 'BPAY', status: 'SETTLED' });
    const pending = message({ method: 'BPAY', status: 'PENDING' });
    await deliver(app, settled, metaOf(settled));

    // When the PENDING message arrives
    const outcome = await deliver(app, pending, metaOf(pending));

    // Then it is kept as an observation, but the merged status stays SETTLED: counted, not pending
    expect(outcome).toBe('APPLIED');
    expect((await app.repos.ledger.get('M-1', 'T-1'))?.observations.map((o) => o.status).sort()).toEqual([
      'PENDING',
      'SETTLED',
    ]);
    expect(progressOf(app, 'M-1')).toMatchObject({ progressCents: 25_000, pendingCents: 0 });
  });

  it.each([
    ['text that is not JSON', '{"transactionId": "T-1",', 'MESSAGE.NOT_JSON'],
    ['a body missing required fields', { transactionId: 'T-1', memberId: 'M-1' }, 'MESSAGE.SCHEMA'],
    ['a field of the wrong type', message({ amount: 250 as unknown as string }), 'MESSAGE.SCHEMA'],
    [
      'an amount with three fraction digits',
      message({ amount: '250.001', audAmount: '250.001' }),
      'TX.BAD_AUD_AMOUNT',
    ],
    ['a zero amount', message({ amount: '0.00', audAmount: '0.00' }), 'TX.BAD_AUD_AMOUNT'],
    [
      'an amount over the maximum',
      message({ amount: '1000000.01', audAmount: '1000000.01' }),
      'TX.BAD_AUD_AMOUNT',
    ],
    ['an AUD amount differing from audAmount', message({ audAmount: '251.00' }), 'TX.AUD_MISMATCH'],
    ['a timestamp without an offset', message({ initiatedAt: '2026-11-25T10:00:00' }), 'TX.BAD_TIMESTAMP'],
  ])('quarantines %s with a stable reason and completes without applying', async (_case, body, reason) => {
    // Given an invalid message for an enrolled member
    const meta = { messageId: 'T-1:SETTLED', enqueuedTimeUtc: NOW };

    // When it is handled (twice: the quarantine must be idempotent too)
    const first = await deliver(app, body, meta);
    const second = await deliver(app, body, meta);

    // Then it is quarantined once, with its reason, and completed rather than thrown
    expect([first, second]).toEqual(['QUARANTINED', 'QUARANTINED']);
    const page = await app.repos.quarantine.list({ limit: 10 });
    expect(page.items).toEqual([
      expect.objectContaining({ source: 'REALTIME', reason, raw: body, receivedAt: NOW }),
    ]);
    // And nothing was applied anywhere
    expect(await app.repos.ledger.listByMember('M-1')).toEqual([]);
    expect(app.client.signalsFor('M-1', 'applyRealtime')).toEqual([]);
  });

  it('quarantines a message whose id does not name its transaction and status', async () => {
    // Given a body whose messageId says PENDING while it reports SETTLED
    const m = message();

    // When it is handled
    const outcome = await deliver(app, m, { messageId: 'T-1:PENDING', enqueuedTimeUtc: NOW });

    // Then it is quarantined, naming the member and transaction for ops
    expect(outcome).toBe('QUARANTINED');
    expect((await app.repos.quarantine.list({ limit: 10 })).items).toEqual([
      expect.objectContaining({ reason: 'MESSAGE.ID_MISMATCH', memberId: 'M-1', transactionId: 'T-1' }),
    ]);
  });

  it('keeps unknown extra fields in the ledger record, and applies the money as without them', async () => {
    // Given a load carrying fields the contract does not name, and the same load without them elsewhere
    const m = { ...message(), channel: 'ios', loyalty: { tier: 'gold' } };
    const twin = testApp({ now: NOW });
    await enrol(twin, 'M-1');

    // When each arrives
    expect(await deliver(app, m, metaOf(message()))).toBe('APPLIED');
    expect(await deliver(twin, message(), metaOf(message()))).toBe('APPLIED');

    // Then the raw record keeps them beside the status; the observation and progress are the twin's
    const record = await app.repos.ledger.get('M-1', 'T-1');
    expect(record?.unknownFields).toEqual({ SETTLED: { channel: 'ios', loyalty: { tier: 'gold' } } });
    expect(record?.observations).toEqual((await twin.repos.ledger.get('M-1', 'T-1'))?.observations);
    expect(progressOf(app, 'M-1')).toEqual(progressOf(twin, 'M-1'));
  });

  it('acknowledges a message of a member not enrolled without storing anything', async () => {
    // Given a member outside the campaign
    const m = message({ memberId: 'M-999' });

    // When their load arrives
    const outcome = await deliver(app, m, metaOf(m));

    // Then it is counted as ignored, and no ledger, quarantine or entity holds it
    expect(outcome).toBe('IGNORED_NOT_ENROLLED');
    expect(await app.repos.ledger.listByMember('M-999')).toEqual([]);
    expect((await app.repos.quarantine.list({ limit: 10 })).items).toEqual([]);
    expect(app.client.state('M-999')).toBeUndefined();
  });

  it('ignores a PURCHASE: spending is not tracked', async () => {
    // Given a card purchase of an enrolled member
    const m = message({ type: 'PURCHASE', method: 'CARD' });

    // When it arrives
    const outcome = await deliver(app, m, metaOf(m));

    // Then it is ignored, not quarantined, and nothing is stored
    expect(outcome).toBe('IGNORED_NON_QUALIFYING_TYPE');
    expect(await app.repos.ledger.listByMember('M-1')).toEqual([]);
    expect((await app.repos.quarantine.list({ limit: 10 })).items).toEqual([]);
    expect(app.client.signalsFor('M-1', 'applyRealtime')).toEqual([]);
  });

  it('ignores a load by a method the campaign does not know', async () => {
    // Given a load by cheque
    const m = message({ method: 'CHEQUE' });

    // When it arrives
    const outcome = await deliver(app, m, metaOf(m));

    // Then it is counted as ignored
    expect(outcome).toBe('IGNORED_UNKNOWN_METHOD');
    expect(await app.repos.ledger.listByMember('M-1')).toEqual([]);
  });

  it('counts ignored messages per local enqueue date and reason, each once however often delivered', async () => {
    // Given a stranger's load (delivered twice), a purchase, a load by cheque (delivered three times),
    // and a stranger's load enqueued at 00:30 the next day in Sydney
    const stranger = message({ memberId: 'M-999' });
    const purchase = message({ transactionId: 'T-2', type: 'PURCHASE', method: 'CARD' });
    const cheque = message({ transactionId: 'T-3', method: 'CHEQUE' });
    const lateStranger = message({ transactionId: 'T-4', memberId: 'M-998' });

    // When they are handled
    for (const m of [stranger, stranger, purchase, cheque, cheque, cheque]) await deliver(app, m, metaOf(m));
    await deliver(app, lateStranger, metaOf(lateStranger, '2026-11-25T13:30:00.000Z'));

    // Then each day counts each message once, under its reason
    expect(await app.repos.ignored.countsOn('2026-11-25')).toEqual({
      NON_CAMPAIGN_MEMBER: 1,
      NON_QUALIFYING_TYPE: 1,
      UNKNOWN_METHOD: 1,
    });
    expect(await app.repos.ignored.countsOn('2026-11-26')).toEqual({
      NON_CAMPAIGN_MEMBER: 1,
      NON_QUALIFYING_TYPE: 0,
      UNKNOWN_METHOD: 0,
    });
  });

  it('counts neither applied nor quarantined messages as ignored', async () => {
    // Given a valid load of the enrolled member and an invalid message
    const m = message();
    await deliver(app, m, metaOf(m));
    await deliver(
      app,
      { ...message({ transactionId: 'T-9' }), amount: 'x' },
      { messageId: 'T-9:SETTLED', enqueuedTimeUtc: NOW },
    );

    // Then nothing is counted
    expect(await app.repos.ignored.countsOn('2026-11-25')).toEqual({
      NON_CAMPAIGN_MEMBER: 0,
      NON_QUALIFYING_TYPE: 0,
      UNKNOWN_METHOD: 0,
    });
  });

  it('quarantines a transaction id already seen under another member', async () => {
    // Given T-1 recorded for M-1, and M-2 enrolled
    await enrol(app, 'M-2');
    const original = message();
    await deliver(app, original, metaOf(original));

    // When a message claims T-1 for M-2
    const clash = message({ memberId: 'M-2', status: 'SETTLED' });
    const outcome = await deliver(app, clash, metaOf(clash));

    // Then it is quarantined as a conflict and applied to neither member
    expect(outcome).toBe('CONFLICT_QUARANTINED');
    expect((await app.repos.quarantine.list({ limit: 10 })).items).toEqual([
      expect.objectContaining({ reason: 'LEDGER.MEMBER_MISMATCH', memberId: 'M-2', transactionId: 'T-1' }),
    ]);
    expect(await app.repos.ledger.listByMember('M-2')).toEqual([]);
    expect(app.client.signalsFor('M-2', 'applyRealtime')).toEqual([]);
    expect(progressOf(app, 'M-2').progressCents).toBe(0);
    expect(progressOf(app, 'M-1').progressCents).toBe(25_000);
  });

  it('quarantines a transaction id already seen with another type', async () => {
    // Given T-1 recorded as a load
    const original = message();
    await deliver(app, original, metaOf(original));

    // When a message reports T-1 as a withdrawal
    const clash = message({ type: 'WITHDRAWAL', method: 'BANK_ACCOUNT', status: 'REVERSED' });
    const outcome = await deliver(app, clash, metaOf(clash));

    // Then it is a conflict and the member is not disqualified by it
    expect(outcome).toBe('CONFLICT_QUARANTINED');
    expect((await app.repos.quarantine.list({ limit: 10 })).items[0]?.reason).toBe('LEDGER.TYPE_MISMATCH');
    expect(progressOf(app, 'M-1').state).toBe('ACTIVE');
  });

  it('looks members up under the configured campaign only', async () => {
    // Given a member enrolled in this campaign, and an app configured for another campaign
    const other = testApp({ now: NOW, campaign: { campaignId: 'another-campaign' } });
    const enrolment = createEnrolment({ memberId: 'M-1' }, ENROLLED_AT, app.services.settings.campaign);
    if (!enrolment.ok) throw new Error(enrolment.detail);
    await other.repos.members.create(enrolment.value);
    expect(enrolment.value.campaignId).toBe(CAMPAIGN);

    // When a load of theirs reaches the other campaign's app
    const m = message();
    const outcome = await deliver(other, m, metaOf(m));

    // Then the enrolment in another campaign does not make them a member of this one
    expect(outcome).toBe('IGNORED_NOT_ENROLLED');
  });

  describe('transient failures', () => {
    let ledger: Faulty<LedgerRepository>;
    let members: Faulty<MemberRepository>;
    let quarantine: Faulty<QuarantineRepository>;
    let ignored: Faulty<IgnoredMessageCounter>;

    beforeEach(async () => {
      const repos = memoryRepositories();
      ledger = faulty(repos.ledger);
      members = faulty(repos.members);
      quarantine = faulty(repos.quarantine);
      ignored = faulty(repos.ignored);
      app = testApp({ now: NOW, repos: { ...repos, ledger, members, quarantine, ignored } });
      await enrol(app, 'M-1');
    });

    it('throws on a ledger failure so the broker redelivers, and the redelivery applies exactly once', async () => {
      // Given the ledger's next write fails
      ledger.failNext('merge', new Error('503 ServiceUnavailable'));
      const m = message();

      // When the message is delivered, fails, and is redelivered
      await expect(deliver(app, m, metaOf(m))).rejects.toThrow('503 ServiceUnavailable');
      const signalsAfterFailure = app.client.signalsFor('M-1', 'applyRealtime').length;
      const outcome = await deliver(app, m, metaOf(m));

      // Then the failed attempt applied nothing, and the redelivery applied it once
      expect(signalsAfterFailure).toBe(0);
      expect(outcome).toBe('APPLIED');
      expect(app.client.state('M-1')?.ledger?.transactions['T-1']?.observations).toHaveLength(1);
      expect(progressOf(app, 'M-1').progressCents).toBe(25_000);
    });

    it('throws when the enrolment lookup fails, rather than treating the member as not enrolled', async () => {
      // Given the members container is unavailable
      members.failNext('get', new Error('429 TooManyRequests'));
      const m = message();

      // When the message is delivered
      // Then it is retried by the broker, not silently dropped as IGNORED_NOT_ENROLLED
      await expect(deliver(app, m, metaOf(m))).rejects.toThrow('429');
      expect(await deliver(app, m, metaOf(m))).toBe('APPLIED');
    });

    it('throws when the count cannot be written, and the redelivery counts the message once', async () => {
      // Given the counter's next write fails
      ignored.failNext('count', new Error('503 ServiceUnavailable'));
      const m = message({ memberId: 'M-999' });

      // When a stranger's message is delivered, fails, and is redelivered twice
      await expect(deliver(app, m, metaOf(m))).rejects.toThrow('503');
      expect(await deliver(app, m, metaOf(m))).toBe('IGNORED_NOT_ENROLLED');
      expect(await deliver(app, m, metaOf(m))).toBe('IGNORED_NOT_ENROLLED');

      // Then it is counted once
      expect((await app.repos.ignored.countsOn('2026-11-25')).NON_CAMPAIGN_MEMBER).toBe(1);
    });

    it('throws when the quarantine cannot be written, so an invalid message is not lost', async () => {
      // Given the quarantine container is unavailable
      quarantine.failNext('put');

      // When an invalid message arrives, then is redelivered
      await expect(deliver(app, 'not json', { messageId: 'x-1', enqueuedTimeUtc: NOW })).rejects.toThrow();
      const outcome = await deliver(app, 'not json', { messageId: 'x-1', enqueuedTimeUtc: NOW });

      // Then the redelivery records it
      expect(outcome).toBe('QUARANTINED');
      expect((await quarantine.list({ limit: 10 })).items).toHaveLength(1);
    });

    it('signals the entity on redelivery after a crash between the ledger merge and the signal', async () => {
      // Given the ledger merge succeeds but the signal to the entity fails (the process dies there)
      app.client.failNextSignal();
      const m = message();
      await expect(deliver(app, m, metaOf(m))).rejects.toThrow('durable client unavailable');
      expect(await app.repos.ledger.get('M-1', 'T-1')).toBeDefined();
      expect(app.client.state('M-1')?.ledger?.transactions).toEqual({});

      // When the broker redelivers
      const outcome = await deliver(app, m, metaOf(m));

      // Then the ledger sees a duplicate, yet the entity receives the load, once
      expect(outcome).toBe('DUPLICATE');
      expect(app.client.state('M-1')?.ledger?.transactions['T-1']?.observations).toHaveLength(1);
      expect(progressOf(app, 'M-1').progressCents).toBe(25_000);
    });
  });
});

describe('real-time handler: order and duplication do not matter (property)', () => {
  const STATUSES = ['PENDING', 'SETTLED', 'FAILED', 'REVERSED'] as const;

  interface Delivery {
    body: Message;
    meta: DeliveryMetadata;
  }

  /** A member's transactions, each published in one or more statuses, some statuses published twice. */
  const deliveries = fc
    .array(
      fc.record({
        kind: fc.constantFrom(
          { type: 'LOAD', method: 'APPLE_PAY' },
          { type: 'LOAD', method: 'BPAY' },
          { type: 'WITHDRAWAL', method: 'BANK_ACCOUNT' },
          { type: 'WITHDRAWAL', method: 'ATM' },
        ),
        cents: fc.integer({ min: 1, max: 60_000 }),
        statuses: fc.subarray([...STATUSES], { minLength: 1 }),
        republishedOnDay: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
      }),
      { minLength: 1, maxLength: 6 },
    )
    .map((txs) =>
      txs.flatMap((tx, i): Delivery[] => {
        const amount = `${Math.trunc(tx.cents / 100)}.${String(tx.cents % 100).padStart(2, '0')}`;
        return tx.statuses.flatMap((status, j) => {
          const body = message({ ...tx.kind, transactionId: `T-${i}`, status, amount, audAmount: amount });
          const enqueued = (day: number) =>
            new Date(Date.parse(NOW) + (day * 24 + j) * 3_600_000).toISOString();
          const first = { body, meta: metaOf(body, enqueued(0)) };
          // The platform may publish the same status again, later: a distinct message, same id.
          return tx.republishedOnDay === undefined || j > 0
            ? [first]
            : [first, { body, meta: metaOf(body, enqueued(tx.republishedOnDay)) }];
        });
      }),
    );

  /** The same deliveries in any order, each delivered one to three times (broker redelivery). */
  const scenario = deliveries.chain((once) =>
    fc
      .array(fc.integer({ min: 1, max: 3 }), { minLength: once.length, maxLength: once.length })
      .map((copies) => once.flatMap((d, i) => Array.from({ length: copies[i] ?? 1 }, () => d)))
      .chain((repeated) =>
        fc
          .shuffledSubarray(repeated, { minLength: repeated.length, maxLength: repeated.length })
          .map((shuffled) => ({ once, shuffled })),
      ),
  );

  async function run(list: readonly Delivery[]) {
    const target = testApp({ now: NOW });
    await enrol(target, 'M-1');
    for (const d of list) await deliver(target, d.body, d.meta);
    const ledger = target.client.state('M-1')?.ledger;
    return {
      transactions: ledger?.transactions,
      contradictions: ledger?.contradictions,
      view: ledger && progressView(ledger, NOW),
      cosmos: (await target.repos.ledger.listByMember('M-1')).sort((a, b) => a.id.localeCompare(b.id)),
    };
  }

  it('gives the same entity ledger, progress view and Cosmos ledger as applying each message once in order', async () => {
    // Given any set of messages, and any order and duplication of them
    await fc.assert(
      fc.asyncProperty(scenario, async ({ once, shuffled }) => {
        // When each list is delivered to a fresh member
        const expected = await run(once);
        const actual = await run(shuffled);

        // Then the outcomes are indistinguishable
        expect(actual).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });
});
