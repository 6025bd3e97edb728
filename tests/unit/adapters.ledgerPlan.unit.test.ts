import fc from 'fast-check';
import { memoryLedgerRepository } from '../support/memory';
import { planMerge, planRetraction, UNKNOWN_FIELDS_CAP } from '../../src/adapters/documents/ledger';
import { asCents } from '../../src/domain/money';
import type { Observation } from '../../src/domain/observation';
import { TX_STATUSES } from '../../src/domain/transaction';

const observationArb: fc.Arbitrary<Observation> = fc
  .record({
    status: fc.constantFrom(...TX_STATUSES),
    source: fc.constantFrom('REALTIME' as const, 'FEED' as const),
    day: fc.integer({ min: 3, max: 9 }),
    version: fc.integer({ min: 1, max: 3 }),
    cents: fc.integer({ min: 1, max: 500_000 }),
  })
  .map(({ status, source, day, version, cents }) => ({
    transactionId: 'T-1',
    memberId: 'M-1',
    type: 'LOAD',
    method: 'BPAY',
    status,
    amount: (cents / 100).toFixed(2),
    currency: 'AUD',
    audCents: asCents(cents),
    initiatedAt: '2026-11-02T01:00:00.000Z',
    ...(status === 'PENDING' ? {} : { settledAt: '2026-11-02T02:00:00.000Z' }),
    source,
    knownOn: `2026-11-0${day}`,
    ...(source === 'FEED' ? { feedVersion: version } : {}),
  }));

const settledRealtime: Observation = {
  transactionId: 'T-1',
  memberId: 'M-1',
  type: 'LOAD',
  method: 'OSKO',
  status: 'SETTLED',
  amount: '250.00',
  currency: 'AUD',
  audCents: asCents(25_000),
  initiatedAt: '2026-11-02T01:00:00.000Z',
  settledAt: '2026-11-02T01:00:01.000Z',
  source: 'REALTIME',
  knownOn: '2026-11-04',
};

/** Some observations, and the same ones twice over in another order (redelivery, replay, races). */
const replayedArb = fc
  .array(observationArb, { minLength: 1, maxLength: 8 })
  .chain((observations) =>
    fc.tuple(
      fc.constant(observations),
      fc.shuffledSubarray([...observations, ...observations], { minLength: observations.length * 2 }),
    ),
  );

describe('ledger merge plan', () => {
  it('given any order and any duplication of the same observations, then the stored record is the same', async () => {
    await fc.assert(
      fc.asyncProperty(replayedArb, async ([observations, replayed]) => {
        const once = memoryLedgerRepository();
        const again = memoryLedgerRepository();
        for (const o of observations) await once.merge(o);
        for (const o of replayed) await again.merge(o);
        expect(await again.get('M-1', 'T-1')).toEqual(await once.get('M-1', 'T-1'));
      }),
    );
  });

  it('derives the reconciliation summary: awaiting the feed until a feed observation arrives', () => {
    const created = planMerge(undefined, settledRealtime);
    if (created.outcome !== 'CREATED') throw new Error(`expected CREATED, got ${created.outcome}`);
    expect(created.record).toMatchObject({
      realtimeSettledOn: '2026-11-04',
      awaitingFeedSince: '2026-11-04',
      feedDates: [],
    });

    const fed = planMerge(created.record, {
      ...settledRealtime,
      source: 'FEED',
      knownOn: '2026-11-05',
      feedVersion: 1,
    });
    if (fed.outcome !== 'UPDATED') throw new Error(`expected UPDATED, got ${fed.outcome}`);
    expect(fed.record).toMatchObject({ realtimeSettledOn: '2026-11-04', feedDates: ['2026-11-05'] });
    expect(fed.record.awaitingFeedSince).toBeUndefined();
    expect(planMerge(fed.record, settledRealtime).outcome).toBe('UNCHANGED');
  });

  it('normalises instants with offsets, so the same observation sent in another notation is UNCHANGED', () => {
    const created = planMerge(undefined, settledRealtime);
    if (created.outcome !== 'CREATED') throw new Error('expected CREATED');
    const offsetNotation = {
      ...settledRealtime,
      initiatedAt: '2026-11-02T12:00:00+11:00',
      settledAt: '2026-11-02T12:00:01+11:00',
    };
    expect(planMerge(created.record, offsetNotation).outcome).toBe('UNCHANGED');
  });

  describe('unknown fields of a real-time message (SPEC §7: kept in the raw record, ignored)', () => {
    const extras = { channel: 'ios', device: { os: '18.1' } };
    const plain = planMerge(undefined, settledRealtime);
    const created = planMerge(undefined, settledRealtime, extras);
    if (created.outcome !== 'CREATED' || plain.outcome !== 'CREATED') throw new Error('expected CREATED');

    it('keeps them beside the status of the message, and nothing else of the record changes', () => {
      expect(created.record.unknownFields).toEqual({ SETTLED: extras });
      const { unknownFields: _kept, ...rest } = created.record;
      expect(rest).toEqual(plain.record);
    });

    it('keeps those of the first message when the same message comes again with others', () => {
      expect(planMerge(created.record, settledRealtime, { channel: 'android' }).outcome).toBe('UNCHANGED');
      const pending = { ...settledRealtime, status: 'PENDING' as const, knownOn: '2026-11-03' };
      const { settledAt: _s, ...pendingObs } = pending;
      const next = planMerge(created.record, pendingObs, { channel: 'web' });
      if (next.outcome !== 'UPDATED') throw new Error(`expected UPDATED, got ${next.outcome}`);
      expect(next.record.unknownFields).toEqual({ SETTLED: extras, PENDING: { channel: 'web' } });
    });

    it('outlives feed observations and their retraction', () => {
      const feed = { ...settledRealtime, source: 'FEED' as const, knownOn: '2026-11-05', feedVersion: 1 };
      const fed = planMerge(created.record, feed);
      if (fed.outcome !== 'UPDATED') throw new Error(`expected UPDATED, got ${fed.outcome}`);
      expect(fed.record.unknownFields).toEqual({ SETTLED: extras });
      expect(planRetraction(fed.record, '2026-11-05', 2)?.unknownFields).toEqual({ SETTLED: extras });
    });

    it('keeps the head of their JSON text, marked as cut, past the cap', () => {
      const big = { note: 'x'.repeat(UNKNOWN_FIELDS_CAP * 3) };
      const cut = planMerge(undefined, settledRealtime, big);
      if (cut.outcome !== 'CREATED') throw new Error('expected CREATED');
      const text = JSON.stringify(big);
      expect(cut.record.unknownFields?.SETTLED).toEqual({
        cut: true,
        characters: text.length,
        head: text.slice(0, UNKNOWN_FIELDS_CAP),
      });
    });
  });
});
