import { campaignWindow, isInWindow, localDateOf } from '../../src/domain';

const rules = { windowDays: 30, graceDays: 5, timeZone: 'Australia/Sydney' };

describe('campaign window (SPEC §2)', () => {
  it('gives the rest of the enrolment day plus 30 whole local days, then 5 grace days', () => {
    // Given an enrolment on 25 Nov 2026 at 09:00 in Sydney (AEDT, +11)
    const window = campaignWindow('2026-11-25T09:00:00+11:00', rules);
    // Then the window closes at midnight starting 26 Dec local, and evaluation is at midnight starting 31 Dec
    expect(window).toEqual({
      enrolledAt: '2026-11-24T22:00:00.000Z',
      day0: '2026-11-25',
      windowClosesAt: '2026-12-25T13:00:00.000Z',
      lastGraceDate: '2026-12-30',
      evaluationAt: '2026-12-30T13:00:00.000Z',
    });
  });

  it('uses the local date: 23:59 and 00:00 local enrolments have different day 0', () => {
    const lateEvening = campaignWindow('2026-11-25T12:59:00Z', rules); // 23:59 local
    const midnight = campaignWindow('2026-11-25T13:00:00Z', rules); // 00:00 local on the 26th
    expect(lateEvening.day0).toBe('2026-11-25');
    expect(lateEvening.windowClosesAt).toBe('2026-12-25T13:00:00.000Z');
    expect(midnight.day0).toBe('2026-11-26');
    expect(midnight.windowClosesAt).toBe('2026-12-26T13:00:00.000Z');
  });

  it('does not shift by an hour when the window spans the October DST start', () => {
    // Enrolled in AEST (+10); the window closes in AEDT (+11): still local midnight.
    const window = campaignWindow('2026-09-20T10:00:00+10:00', rules);
    expect(window.windowClosesAt).toBe('2026-10-20T13:00:00.000Z');
    expect(window.lastGraceDate).toBe('2026-10-25');
    expect(window.evaluationAt).toBe('2026-10-25T13:00:00.000Z');
  });

  it('does not shift by an hour when the window spans the April DST end', () => {
    // Enrolled in AEDT (+11); the window closes in AEST (+10).
    const window = campaignWindow('2026-03-20T10:00:00+11:00', rules);
    expect(window.windowClosesAt).toBe('2026-04-19T14:00:00.000Z');
    expect(window.evaluationAt).toBe('2026-04-24T14:00:00.000Z');
  });

  it('handles a grace period that spans the October DST start while the window does not', () => {
    const window = campaignWindow('2026-09-01T12:00:00+10:00', rules);
    expect(window.windowClosesAt).toBe('2026-10-01T14:00:00.000Z'); // 2 Oct 00:00 AEST
    expect(window.evaluationAt).toBe('2026-10-06T13:00:00.000Z'); // 7 Oct 00:00 AEDT
  });

  it('handles a grace period that spans the April DST end while the window does not', () => {
    const window = campaignWindow('2026-03-01T12:00:00+11:00', rules);
    expect(window.windowClosesAt).toBe('2026-03-31T13:00:00.000Z'); // 1 Apr 00:00 AEDT
    expect(window.evaluationAt).toBe('2026-04-05T14:00:00.000Z'); // 6 Apr 00:00 AEST
  });

  it('enrolments on both sides of the October change get local-midnight boundaries', () => {
    const before = campaignWindow('2026-10-03T23:30:00+10:00', rules); // day before the change
    const after = campaignWindow('2026-10-04T09:00:00+11:00', rules); // the day of the change
    expect(before.day0).toBe('2026-10-03');
    expect(before.windowClosesAt).toBe('2026-11-02T13:00:00.000Z');
    expect(after.day0).toBe('2026-10-04');
    expect(after.windowClosesAt).toBe('2026-11-03T13:00:00.000Z');
  });

  it('enrolments on both sides of the April change get local-midnight boundaries', () => {
    const before = campaignWindow('2026-04-04T20:00:00+11:00', rules);
    const after = campaignWindow('2026-04-05T20:00:00+10:00', rules);
    expect(before.windowClosesAt).toBe('2026-05-04T14:00:00.000Z');
    expect(after.windowClosesAt).toBe('2026-05-05T14:00:00.000Z');
  });
});

describe('in window', () => {
  const window = campaignWindow('2026-11-25T09:00:00+11:00', rules);

  it('excludes a transaction at exactly windowClosesAt and includes one a millisecond before', () => {
    expect(isInWindow('2026-12-25T13:00:00.000Z', window)).toBe(false);
    expect(isInWindow('2026-12-25T12:59:59.999Z', window)).toBe(true);
  });

  it('includes enrolledAt itself and excludes anything before it', () => {
    expect(isInWindow('2026-11-25T09:00:00+11:00', window)).toBe(true);
    expect(isInWindow('2026-11-25T08:59:59.999+11:00', window)).toBe(false);
  });

  it('reads instants with any offset', () => {
    expect(localDateOf('2026-12-25T12:59:59Z', 'Australia/Sydney')).toBe('2026-12-25');
    expect(localDateOf('2026-12-25T13:00:00Z', 'Australia/Sydney')).toBe('2026-12-26');
  });
});
