import fc from 'fast-check';
import {
  addObservations,
  applyFeedBatch,
  decide,
  isInWindow,
  memberState,
  progressView,
  recordDecision,
  statusRank,
  type AudCents,
  type MemberLedger,
  type Observation,
} from '../../src/domain';
import { ledgerFor } from '../support/domainBuilders';

const RUNS = 1000;
const base = ledgerFor();
const window = base.enrolment.window;
const TX_TYPES: Record<string, 'LOAD' | 'WITHDRAWAL'> = {
  T1: 'LOAD',
  T2: 'LOAD',
  T3: 'LOAD',
  T4: 'LOAD',
  T5: 'WITHDRAWAL',
  T6: 'LOAD',
};

const dates = fc.integer({ min: 0, max: 45 }).map((d) => {
  const date = new Date(Date.UTC(2026, 10, 24 + d));
  return date.toISOString().slice(0, 10);
});
const instants = fc
  .integer({ min: -2, max: 36 * 24 })
  .map((h) => new Date(Date.UTC(2026, 10, 25, h)).toISOString());

/** Per transaction: its amount as seen in real time and by the feed (which may differ), start and method. */
const facts = fc.record({
  cents: fc.integer({ min: 1, max: 60_000 }),
  feedCents: fc.integer({ min: 1, max: 60_000 }),
  initiatedAt: instants,
  method: fc.constantFrom('A', 'B'),
});
type Facts = { cents: number; feedCents: number; initiatedAt: string; method: 'A' | 'B' };
const world = fc.record(
  Object.fromEntries(Object.keys(TX_TYPES).map((id) => [id, facts])) as Record<string, typeof facts>,
);

/**
 * Observations of a small pool of transactions. Each transaction keeps one type (none contradicts), and a
 * repeated sighting carries the same content, as a redelivered message or a re-dropped row does.
 */
const sightingsIn = (w: Record<string, Facts>) =>
  fc
    .record({
      id: fc.constantFrom(...Object.keys(TX_TYPES)),
      status: fc.constantFrom('PENDING', 'SETTLED', 'FAILED', 'REVERSED' as const),
      source: fc.constantFrom('REALTIME', 'FEED' as const),
      knownOn: dates,
    })
    .map(({ id, status, source, knownOn }): Observation => {
      const type = TX_TYPES[id] ?? 'LOAD';
      const f = w[id] as Facts;
      const cents = source === 'FEED' ? f.feedCents : f.cents;
      return {
        transactionId: id,
        memberId: 'M-1',
        type,
        method:
          type === 'LOAD'
            ? f.method === 'A'
              ? 'APPLE_PAY'
              : 'BPAY'
            : f.method === 'A'
              ? 'BANK_ACCOUNT'
              : 'ATM',
        status,
        amount: String(cents),
        currency: 'AUD',
        audCents: cents as AudCents,
        initiatedAt: f.initiatedAt,
        ...(status === 'PENDING' ? {} : { settledAt: f.initiatedAt }),
        source,
        knownOn,
        ...(source === 'FEED' ? { feedVersion: 1 } : {}),
      };
    });

/** Lists of observations drawn from one world. */
const observations = (maxLength: number) => world.chain((w) => fc.array(sightingsIn(w), { maxLength }));
const observationPair = (maxLength: number) =>
  world.chain((w) =>
    fc.tuple(fc.array(sightingsIn(w), { maxLength }), fc.array(sightingsIn(w), { maxLength })),
  );

/** Any permutation of the list with any elements repeated. */
const shuffledWithDuplicates = (list: Observation[]) =>
  fc.array(fc.nat({ max: Math.max(0, list.length - 1) }), { maxLength: list.length }).chain((extra) =>
    fc.shuffledSubarray([...list, ...extra.map((i) => list[i] as Observation)], {
      minLength: list.length + extra.length,
    }),
  );

const NOW_BEFORE = '2026-12-20T00:00:00.000Z';
const NOW_AFTER = '2027-01-10T00:00:00.000Z';

/** JSON with object keys sorted: key insertion order is not part of the ledger's meaning. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

function snapshot(ledger: MemberLedger) {
  return {
    ledger: canonical(ledger),
    before: progressView(ledger, NOW_BEFORE),
    after: progressView(ledger, NOW_AFTER),
    decision: decide(ledger, NOW_AFTER, '2027-01-09'),
  };
}

describe('ledger properties', () => {
  it('any permutation and any duplication of the same observations gives an identical ledger, view and decision', () => {
    fc.assert(
      fc.property(
        observations(25).chain((list) => fc.tuple(fc.constant(list), shuffledWithDuplicates(list))),
        ([list, shuffled]) => {
          const once = addObservations(base, list);
          const again = shuffled.reduce((l, o) => addObservations(l, [o]), base);
          expect(snapshot(again)).toEqual(snapshot(once));
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('the progress total equals an independent sum over settled in-window loads', () => {
    fc.assert(
      fc.property(observations(25), (list) => {
        const ledger = addObservations(base, list);
        expect(progressView(ledger, NOW_BEFORE).progressCents).toBe(referenceProgress(list));
      }),
      { numRuns: RUNS },
    );
  });

  it('feed batches of several versions in any order keep only the highest version of each date', () => {
    const batch = fc.record({
      date: fc.constantFrom('2026-12-01', '2026-12-02'),
      version: fc.integer({ min: 1, max: 3 }),
      observations: observations(6),
    });
    fc.assert(
      fc.property(
        fc
          .array(batch, { maxLength: 8 })
          .chain((b) => fc.tuple(fc.constant(b), fc.shuffledSubarray(b, { minLength: b.length }))),
        ([batches, shuffled]) => {
          const apply = (bs: typeof batches) =>
            bs.reduce(
              (l, b) =>
                applyFeedBatch(l, {
                  businessDate: b.date,
                  version: b.version,
                  observations: b.observations.map((o) => ({
                    ...o,
                    source: 'FEED' as const,
                    knownOn: b.date,
                  })),
                }),
              base,
            );
          expect(canonical(apply(shuffled))).toBe(canonical(apply(batches)));
          const highest = new Map<string, number>();
          for (const b of batches) highest.set(b.date, Math.max(highest.get(b.date) ?? 0, b.version));
          for (const entry of Object.values(apply(batches).transactions)) {
            for (const o of entry.observations) expect(o.feedVersion).toBe(highest.get(o.knownOn));
          }
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('a recorded final decision never changes, whatever arrives afterwards', () => {
    fc.assert(
      fc.property(observationPair(15), ([before, after]) => {
        const check = decide(addObservations(base, before), NOW_AFTER, '2027-01-09');
        if (check.kind !== 'DECIDED') throw new Error('expected a decision');
        const recorded = recordDecision(addObservations(base, before), check.decision);
        const later = addObservations(recorded, after);
        expect(decide(later, '2027-02-01T00:00:00.000Z', '2027-01-31')).toEqual({
          kind: 'DECIDED',
          decision: check.decision,
          alreadyRecorded: true,
        });
        expect(recordDecision(later, { ...check.decision, outcome: 'QUALIFIED' }).decision).toEqual(
          check.decision,
        );
        expect(['REWARDING', 'EXPIRED', 'DISQUALIFIED']).toContain(memberState(later, NOW_AFTER));
      }),
      { numRuns: RUNS },
    );
  });
});

/** Independent of the domain's fold: per transaction, highest status; ties feed first, then later business date. */
function referenceProgress(list: Observation[]): number {
  const best = new Map<string, Observation>();
  for (const o of list) {
    const current = best.get(o.transactionId);
    const rank = (x: Observation) => [
      statusRank(x.status),
      x.source === 'FEED' ? 1 : 0,
      x.source === 'FEED' ? x.knownOn : invert(x.knownOn),
    ];
    if (!current || compare(rank(o), rank(current)) > 0) {
      best.set(o.transactionId, o);
    }
  }
  let total = 0;
  for (const o of best.values())
    if (o.type === 'LOAD' && o.status === 'SETTLED' && isInWindow(o.initiatedAt, window)) total += o.audCents;
  return total;
}

function invert(date: string): string {
  return date.replace(/\d/g, (d) => String(9 - Number(d)));
}

function compare(a: (string | number)[], b: (string | number)[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as string | number;
    const y = b[i] as string | number;
    if (x !== y) return x > y ? 1 : -1;
  }
  return 0;
}
