import { DEMO_COHORT, localInstant, planDemo } from '../../cli/demoScenario';

const ZONE = 'Australia/Sydney';
const members = DEMO_COHORT.map((member) => ({ memberId: `M-${member.suffix}`, member }));

describe('demo plan', () => {
  it('publishes instant transactions SETTLED and delayed loads PENDING, on the day they happen', () => {
    const { realtime } = planDemo(members, '2026-11-26', ZONE);
    expect(realtime.map((s) => [s.day, s.messageId])).toEqual([
      [0, 'M-1-T1:SETTLED'],
      [1, 'M-3-T1:SETTLED'],
      [2, 'M-2-T1:PENDING'],
      [3, 'M-4-T1:SETTLED'],
      [10, 'M-3-T2:SETTLED'],
    ]);
    expect(realtime[0]?.body).toEqual({
      transactionId: 'M-1-T1',
      memberId: 'M-1',
      type: 'LOAD',
      method: 'APPLE_PAY',
      status: 'SETTLED',
      amount: '1200.00',
      currency: 'AUD',
      audAmount: '1200.00',
      initiatedAt: '2026-11-26T10:00:00+11:00',
      settledAt: '2026-11-26T10:01:00+11:00',
    });
    expect(realtime[2]?.body['settledAt']).toBeUndefined();
  });

  it('puts every status change in the feed of its local business date', () => {
    const { feedRows } = planDemo(members, '2026-11-26', ZONE);
    expect(feedRows.get('2026-11-28')).toEqual([
      'M-2-T1,M-2,LOAD,BPAY,PENDING,1000.00,AUD,1000.00,2026-11-28T10:00:00+11:00,,2026-11-28',
    ]);
    expect(feedRows.get('2026-11-30')).toEqual([
      'M-2-T1,M-2,LOAD,BPAY,SETTLED,1000.00,AUD,1000.00,2026-11-28T10:00:00+11:00,2026-11-30T10:01:00+11:00,2026-11-30',
    ]);
    expect(feedRows.get('2026-12-06')?.[0]).toContain(
      'M-3-T2,M-3,WITHDRAWAL,CARDHOLDER_TRANSFER,SETTLED,200.00',
    );
    expect([...feedRows.values()].flat()).toHaveLength(6);
  });

  it('keeps local wall-clock times across a daylight-saving change', () => {
    // Sydney leaves daylight saving on the first Sunday of April 2027 (4 April)
    expect(localInstant('2027-04-03', 0, ZONE, 10)).toBe('2027-04-03T10:00:00+11:00');
    expect(localInstant('2027-04-03', 1, ZONE, 10)).toBe('2027-04-04T10:00:00+10:00');
  });
});
