import fc from 'fast-check';
import { addObservations, computeTotals, explainTimeline, type Observation } from '../../src/domain';
import { fed, ledgerFor, obs } from '../support/domainBuilders';

// The ops member page's timeline: every observation, whether it won its transaction's merge, lies in the
// window and counts, and why; the same fold as computeTotals, told one observation at a time.

const ENROLLED = '2026-11-25T09:00:00+11:00';
const BEFORE_EVALUATION = '2026-11-26T00:00:00Z';
const AFTER_EVALUATION = '2027-01-01T00:00:00Z';

const verdicts = (observations: Observation[], now = BEFORE_EVALUATION) =>
  explainTimeline(addObservations(ledgerFor(ENROLLED), observations), now).map((t) => [
    t.observation.transactionId,
    t.observation.source,
    t.verdict,
    t.won,
    t.counted,
  ]);

describe('explainTimeline', () => {
  it('shows the feed winning a settled load over its real-time sighting, and both as counted toward what they drive', () => {
    const load = obs({ id: 'T-1', cents: 60_000, initiatedAt: '2026-11-25T00:00:00Z' });
    expect(verdicts([load, fed(load, '2026-11-26')])).toEqual([
      ['T-1', 'REALTIME', 'SUPERSEDED', false, false],
      ['T-1', 'FEED', 'COUNTED_CONFIRMED', true, true],
    ]);
  });

  it('marks a real-time settlement not yet in the feed as counted for progress only, and pending BPAY as pending', () => {
    const rows = verdicts([
      obs({ id: 'T-1', initiatedAt: '2026-11-25T00:00:00Z' }),
      obs({ id: 'T-2', method: 'BPAY', status: 'PENDING', initiatedAt: '2026-11-25T00:00:00Z' }),
    ]);
    expect(rows).toEqual([
      ['T-1', 'REALTIME', 'COUNTED', true, true],
      ['T-2', 'REALTIME', 'PENDING', true, false],
    ]);
  });

  it('explains loads outside the window, ATM spending and a pending disqualifying withdrawal', () => {
    const rows = verdicts([
      obs({ id: 'T-early', initiatedAt: '2026-11-24T00:00:00Z', knownOn: '2026-11-24' }),
      obs({ id: 'T-atm', type: 'WITHDRAWAL', method: 'ATM', initiatedAt: '2026-11-25T00:00:00Z' }),
      obs({ id: 'T-bank', type: 'WITHDRAWAL', status: 'PENDING', initiatedAt: '2026-11-25T00:00:00Z' }),
    ]);
    expect(rows).toEqual([
      ['T-early', 'REALTIME', 'OUT_OF_WINDOW', true, false],
      ['T-atm', 'REALTIME', 'WITHDRAWAL_SPENDING', true, false],
      ['T-bank', 'REALTIME', 'WITHDRAWAL_PENDING', true, false],
    ]);
  });

  it('after the evaluation, leaves out what became known after the last grace date', () => {
    const load = obs({ id: 'T-1', initiatedAt: '2026-11-25T00:00:00Z' });
    const late = fed(load, '2027-01-02');
    expect(verdicts([load, late], AFTER_EVALUATION)).toEqual([
      ['T-1', 'REALTIME', 'COUNTED', true, true],
      ['T-1', 'FEED', 'AFTER_CUT_OFF', false, false],
    ]);
  });

  it('counts exactly the cents computeTotals counts (settled progress and feed-confirmed), whatever arrives', () => {
    const days = ['2026-11-25', '2026-11-26', '2026-11-27'];
    const observation = fc
      .record({
        id: fc.constantFrom('T-1', 'T-2', 'T-3', 'T-4'),
        status: fc.constantFrom('PENDING', 'SETTLED', 'FAILED', 'REVERSED' as const),
        source: fc.constantFrom('REALTIME', 'FEED' as const),
        day: fc.integer({ min: 0, max: 2 }),
        cents: fc.integer({ min: 1, max: 90_000 }),
        early: fc.boolean(),
      })
      .map((o) =>
        obs({
          id: o.id,
          status: o.status,
          source: o.source,
          cents: o.cents,
          knownOn: days[o.day],
          initiatedAt: o.early ? '2026-11-24T00:00:00Z' : '2026-11-25T00:00:00Z',
        }),
      );
    fc.assert(
      fc.property(fc.array(observation, { maxLength: 12 }), fc.boolean(), (list, late) => {
        const ledger = addObservations(ledgerFor(ENROLLED), list);
        const now = late ? AFTER_EVALUATION : BEFORE_EVALUATION;
        const timeline = explainTimeline(ledger, now);
        const totals = computeTotals(ledger, late ? ledger.enrolment.window.lastGraceDate : undefined);
        const progress = timeline
          .filter((t) => t.won && (t.verdict === 'COUNTED' || t.verdict === 'COUNTED_CONFIRMED'))
          .reduce((sum, t) => sum + t.observation.audCents, 0);
        const confirmed = timeline
          .filter((t) => t.verdict === 'COUNTED_CONFIRMED' && t.observation.source === 'FEED')
          .reduce((sum, t) => sum + t.observation.audCents, 0);
        expect(progress).toBe(totals.settledLoadCents);
        expect(confirmed).toBe(totals.confirmedLoadCents);
        expect(timeline).toHaveLength(
          Object.values(ledger.transactions).flatMap((e) => e.observations).length,
        );
      }),
    );
  });
});
