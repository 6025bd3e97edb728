import fc from 'fast-check';
import {
  computeTotals,
  decide,
  memberState,
  type DecisionCheck,
  type MemberLedger,
  type Observation,
} from '../../src/domain';
import type { MemberOperation } from '../../src/durableNames';
import {
  EMPTY_STATE,
  handleMemberOperation,
  type MemberEntityState,
} from '../../src/entities/memberOperations';
import { fed, ledgerFor, obs } from '../support/domainBuilders';

// Issue 16.3: the member entity's operations as Azure may deliver them at its worst (client signals
// reordered and duplicated, local/durable/README.md § Delivery modes). Where SPEC says order does not matter
// (merging observations, corrections, holds) the final ledger is the same whatever the order; and a
// celebration is raised, so notified, once, under one id.

const enrolment = ledgerFor().enrolment; // enrolled 2026-11-25 09:00 Sydney; L = 2026-12-30
const L = enrolment.window.lastGraceDate;
const ENROLLED = new Date(enrolment.enrolledAt).toISOString();
const BEFORE_EVAL = ['2026-11-26T00:00:00.000Z', '2026-12-10T00:00:00.000Z', '2026-12-30T12:59:59.000Z'];
const AFTER_EVAL = ['2026-12-30T13:00:00.000Z', '2026-12-31T00:00:00.000Z', '2027-01-05T00:00:00.000Z'];

type Op = [operation: MemberOperation, input: unknown];

const enrol: Op = ['enrol', { enrolment, at: ENROLLED }];

interface TxSpec {
  n: number;
  type: 'LOAD' | 'WITHDRAWAL';
  cents: number;
  day: number;
  realtime: 'SETTLED' | 'PENDING' | null;
  feed: 'SETTLED' | 'PENDING' | 'FAILED' | 'REVERSED' | null;
  feedCents: number;
  /** A corrected file (version 2) of the feed's business date, with this status (or without the row). */
  corrected: 'SETTLED' | 'REVERSED' | 'absent' | null;
}

const day = (d: number): string => new Date(Date.UTC(2026, 10, 25 + d)).toISOString().slice(0, 10);

function opsOf(txs: readonly TxSpec[], holds: readonly number[], at: () => string): Op[] {
  const ops: Op[] = [];
  for (const tx of txs) {
    const base = {
      id: `T-${tx.n}`,
      type: tx.type,
      cents: tx.cents,
      initiatedAt: `${day(tx.day)}T01:00:00.000Z`,
      knownOn: day(tx.day),
    };
    if (tx.realtime)
      ops.push(['applyRealtime', { observations: [obs({ ...base, status: tx.realtime })], at: at() }]);
    const businessDate = day(tx.day + 1);
    const row = (status: Observation['status'], version: number): Observation =>
      fed(obs({ ...base, status, cents: tx.feedCents }), businessDate, { feedVersion: version });
    if (tx.feed)
      ops.push(['applyFeedBatch', { businessDate, version: 1, observations: [row(tx.feed, 1)], at: at() }]);
    if (tx.corrected) {
      const observations = tx.corrected === 'absent' ? [] : [row(tx.corrected, 2)];
      ops.push(['applyFeedBatch', { businessDate, version: 2, observations, at: at() }]);
    }
  }
  for (const d of holds) {
    const hold = { ref: `Q-${d}`, businessDate: day(d), version: 1, reason: 'TX.BAD_AMOUNT', at: at() };
    ops.push(['hold', hold]);
  }
  return ops;
}

/** Applies the operations through the entity's dispatch; returns the state and every notification id ever queued. */
function run(ops: readonly Op[]): { state: MemberEntityState; notified: string[] } {
  let state = EMPTY_STATE;
  const notified = new Set<string>();
  for (const [operation, input] of ops) {
    state = handleMemberOperation(state, operation, input).state;
    for (const n of state.ledger?.outbox ?? []) notified.add(n.id);
  }
  return { state, notified: [...notified] };
}

/** What SPEC makes independent of arrival order: the merged transactions, versions, holds, totals, state, decision. */
function orderFree(ledger: MemberLedger | null) {
  if (!ledger) return null;
  const check: DecisionCheck = decide(ledger, AFTER_EVAL[2]!, L);
  return {
    transactions: Object.fromEntries(
      Object.entries(ledger.transactions)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([id, entry]) => [
          id,
          [...entry.observations].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1)),
        ]),
    ),
    feedVersions: ledger.feedVersions,
    holds: Object.keys(ledger.holds).sort(),
    totals: computeTotals(ledger),
    totalsAtL: computeTotals(ledger, L),
    states: [...BEFORE_EVAL, ...AFTER_EVAL].map((t) => memberState(ledger, t)),
    decision: check.kind === 'DECIDED' ? check.decision : check.reason,
  };
}

/** A permutation of `ops` with some of them delivered again, anywhere after the first delivery. */
const deliveries = (ops: readonly Op[]) =>
  fc
    .tuple(
      fc.array(fc.nat(), { minLength: ops.length, maxLength: ops.length }),
      fc.array(fc.tuple(fc.nat({ max: Math.max(0, ops.length - 1) }), fc.nat()), { maxLength: 6 }),
    )
    .map(([keys, extra]) => {
      const order = ops
        .map((op, i) => ({ op, key: keys[i]! }))
        .sort((a, b) => a.key - b.key)
        .map((x) => x.op);
      for (const [which, where] of extra) {
        const op = ops[which];
        if (!op) continue;
        const first = order.indexOf(op);
        order.splice(first + 1 + (where % (order.length - first)), 0, op);
      }
      return order;
    });

const tx = (n: number) =>
  fc.record({
    n: fc.constant(n),
    type: fc.constantFrom<'LOAD' | 'WITHDRAWAL'>('LOAD', 'LOAD', 'LOAD', 'WITHDRAWAL'),
    cents: fc.integer({ min: 50, max: 700 }).map((c) => c * 100),
    day: fc.integer({ min: 0, max: 28 }),
    realtime: fc.constantFrom<TxSpec['realtime']>('SETTLED', 'PENDING', null),
    feed: fc.constantFrom<TxSpec['feed']>('SETTLED', 'PENDING', 'FAILED', 'REVERSED', null),
    feedCents: fc.integer({ min: 50, max: 700 }).map((c) => c * 100),
    corrected: fc.constantFrom<TxSpec['corrected']>(null, null, 'SETTLED', 'REVERSED', 'absent'),
  });

describe('member entity operations under reordering and duplication', () => {
  it('commute where SPEC says order does not matter: same ledger, totals, states and decision', () => {
    fc.assert(
      fc.property(
        fc
          .array(fc.nat({ max: 5 }), { minLength: 1, maxLength: 5 })
          .chain((ns) =>
            fc.tuple(
              fc.tuple(...ns.map((_, i) => tx(i + 1))),
              fc.array(fc.integer({ min: 1, max: 30 }), { maxLength: 3 }),
            ),
          ),
        fc.constantFrom(...BEFORE_EVAL, ...AFTER_EVAL),
        ([txs, holds], at) => {
          const ops = [enrol, ...opsOf(txs, holds, () => at)];
          const inOrder = orderFree(run(ops).state.ledger);
          fc.assert(
            fc.property(deliveries(ops), (delivered) => {
              expect(orderFree(run(delivered).state.ledger)).toEqual(inOrder);
            }),
            { numRuns: 15 },
          );
        },
      ),
      { numRuns: 60 },
    );
  });

  it('raise TARGET_REACHED once, under one id, whatever the order, duplicates and times of the operations', () => {
    // Settled loads only (the feed agrees with real time) and holds never released: no order of these
    // takes the member out of PENDING_REWARD and back, so a second raising could only come from the
    // delivery, e.g. an operation stamped before evaluationAt arriving after one stamped after it.
    const settledLoad = (n: number) =>
      fc.record({
        n: fc.constant(n),
        type: fc.constant<'LOAD'>('LOAD'),
        cents: fc.integer({ min: 200, max: 700 }).map((c) => c * 100),
        day: fc.integer({ min: 0, max: 28 }),
        realtime: fc.constantFrom<TxSpec['realtime']>('SETTLED', null),
        feed: fc.constant<TxSpec['feed']>('SETTLED'),
        feedCents: fc.constant(0),
        corrected: fc.constant(null),
      });
    fc.assert(
      fc.property(
        fc
          .array(fc.nat(), { minLength: 1, maxLength: 5 })
          .chain((ns) =>
            fc.tuple(...ns.map((_, i) => settledLoad(i + 1).map((t) => ({ ...t, feedCents: t.cents })))),
          ),
        fc.array(fc.integer({ min: 1, max: 30 }), { maxLength: 2 }),
        fc.array(fc.constantFrom(...BEFORE_EVAL, ...AFTER_EVAL), { minLength: 1, maxLength: 12 }),
        (txs, holds, times) => {
          let i = 0;
          const ops = [enrol, ...opsOf(txs, holds, () => times[i++ % times.length]!)];
          fc.assert(
            fc.property(deliveries(ops), (delivered) => {
              const { state, notified } = run(delivered);
              const target = notified.filter((id) => id.includes(':TARGET_REACHED:'));
              expect(target.length).toBeLessThanOrEqual(1);
              expect(target.every((id) => id.endsWith(':TARGET_REACHED:1'))).toBe(true);
              const reached = txs.reduce((sum, t) => sum + t.cents, 0) >= enrolment.config.targetAudCents;
              const allBefore = times.every((t) => BEFORE_EVAL.includes(t));
              // before evaluationAt, holds do not matter: a member who reached the target is notified
              if (reached && allBefore) expect(state.ledger?.outbox.map((n) => n.id)).toEqual(target);
            }),
            { numRuns: 15 },
          );
        },
      ),
      { numRuns: 80 },
    );
  });

  it('an operation stamped before evaluationAt that arrives late does not take the member back in time', () => {
    const load = obs({
      id: 'T-1',
      cents: 150_000,
      initiatedAt: '2026-12-01T00:00:00.000Z',
      knownOn: '2026-12-01',
    });
    const realtime: Op = ['applyRealtime', { observations: [load], at: BEFORE_EVAL[1] }];
    const hold: Op = [
      'hold',
      { ref: 'Q-1', businessDate: '2026-12-05', version: 1, reason: 'TX.BAD_AMOUNT', at: AFTER_EVAL[0] },
    ];
    // reached the target (notified under :1), then held after evaluationAt (withdrawn: NEEDS_REVIEW);
    // the real-time signal delivered again, late, must not raise it again under :2
    const { state, notified } = run([enrol, realtime, hold, realtime]);
    expect(notified).toEqual([`${enrolment.campaignId}:M-1:TARGET_REACHED:1`]);
    expect(state.ledger?.outbox).toEqual([]);
    expect(state.ledger?.pastEvaluationAt).toBe(AFTER_EVAL[0]);
    expect(state.ledger && memberState(state.ledger, AFTER_EVAL[0]!)).toBe('NEEDS_REVIEW');
  });

  it('raise REWARD_ISSUED once when issuance outcomes arrive reordered and duplicated', () => {
    const load = obs({
      id: 'T-1',
      cents: 150_000,
      initiatedAt: '2026-12-01T00:00:00.000Z',
      knownOn: '2026-12-01',
    });
    const before: Op[] = [
      enrol,
      ['applyRealtime', { observations: [load], at: BEFORE_EVAL[0] }],
      [
        'applyFeedBatch',
        {
          businessDate: '2026-12-02',
          version: 1,
          observations: [fed(load, '2026-12-02')],
          at: BEFORE_EVAL[1],
        },
      ],
      ['decide', { now: AFTER_EVAL[0], watermark: L }],
    ];
    const reward = (status: string, attempts: number, extra = {}) => ({
      status,
      points: 2000,
      attempts,
      ...extra,
    });
    const outcomes: Op[] = [
      ['recordReward', { reward: reward('PENDING', 1, { lastError: 'HTTP 503' }), at: AFTER_EVAL[0] }],
      ['recordReward', { reward: reward('PENDING', 2, { lastError: 'timeout' }), at: AFTER_EVAL[1] }],
      [
        'recordReward',
        { reward: reward('ISSUED', 3, { creditId: 'C-1', issuedAt: AFTER_EVAL[1] }), at: AFTER_EVAL[1] },
      ],
      ['applyRealtime', { observations: [load], at: BEFORE_EVAL[2] }],
    ];
    fc.assert(
      fc.property(deliveries(outcomes), (delivered) => {
        const { state, notified } = run([...before, ...delivered]);
        expect(state.ledger?.reward).toMatchObject({ status: 'ISSUED', creditId: 'C-1' });
        expect(notified.filter((id) => id.includes(':REWARD_ISSUED:'))).toEqual([
          `${enrolment.campaignId}:M-1:REWARD_ISSUED:1`,
        ]);
        expect(notified.filter((id) => id.includes(':TARGET_REACHED:'))).toHaveLength(1);
      }),
      { numRuns: 200 },
    );
  });
});
