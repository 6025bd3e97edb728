import { addObservations, createEnrolment, decide, memberState, newLedger } from '../../src/domain';
import { config, fed, obs } from '../support/domainBuilders';

const RECEIVED = '2026-11-25T09:00:00.000Z';

describe('enrolment (SPEC §1, §2)', () => {
  it('defaults enrolledAt to the receipt time', () => {
    const result = createEnrolment({ memberId: 'M-1' }, RECEIVED, config());
    expect(result.ok && result.value.enrolledAt).toBe(RECEIVED);
  });

  it('accepts enrolledAt back to exactly maxEnrolmentBackdate before receipt and up to one minute after', () => {
    expect(
      createEnrolment({ memberId: 'M-1', enrolledAt: '2026-11-24T09:00:00.000Z' }, RECEIVED, config()).ok,
    ).toBe(true);
    expect(
      createEnrolment({ memberId: 'M-1', enrolledAt: '2026-11-25T09:01:00.000Z' }, RECEIVED, config()).ok,
    ).toBe(true);
  });

  it('rejects enrolledAt further back or further ahead, with stable codes', () => {
    expect(
      createEnrolment({ memberId: 'M-1', enrolledAt: '2026-11-24T08:59:59.999Z' }, RECEIVED, config()),
    ).toMatchObject({
      ok: false,
      code: 'ENROLMENT.TOO_OLD',
    });
    expect(
      createEnrolment({ memberId: 'M-1', enrolledAt: '2026-11-25T09:01:00.001Z' }, RECEIVED, config()),
    ).toMatchObject({
      ok: false,
      code: 'ENROLMENT.IN_FUTURE',
    });
  });

  it('snapshots the configuration: a member keeps the rules in force when they enrolled', () => {
    // Given a member enrolled under a 500.00 target and a 10-day window
    const enrolled = createEnrolment(
      { memberId: 'M-1' },
      RECEIVED,
      config({ targetAudCents: 50_000, windowDays: 10 }),
    );
    if (!enrolled.ok) throw new Error(enrolled.detail);
    expect(enrolled.value.window.windowClosesAt).toBe('2026-12-05T13:00:00.000Z');
    // When they load 500.00, confirmed by the feed (later enrolments may have a 1,000.00 target)
    const load = obs({ cents: 50_000, initiatedAt: '2026-11-30T00:00:00.000Z' });
    const ledger = addObservations(newLedger(enrolled.value), [load, fed(load, '2026-12-01')]);
    // Then their own snapshot decides
    expect(memberState(ledger, '2026-12-02T00:00:00.000Z')).toBe('PENDING_REWARD');
    const check = decide(ledger, enrolled.value.window.evaluationAt, enrolled.value.window.lastGraceDate);
    expect(check.kind === 'DECIDED' && check.decision.outcome).toBe('QUALIFIED');
  });
});
