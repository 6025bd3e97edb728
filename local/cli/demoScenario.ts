import { DateTime } from 'luxon';

/** One transaction of a demo member: when it starts and settles (local days after enrolment). */
export interface DemoTransaction {
  type: 'LOAD' | 'WITHDRAWAL';
  method: string;
  amount: string;
  initiatedDay: number;
  /** Undefined: never settles (stays PENDING). */
  settledDay?: number;
  /** Instant methods reach the real-time stream as SETTLED; delayed ones as PENDING when initiated. */
  instant: boolean;
}

export interface DemoMember {
  suffix: string;
  story: string;
  expected: string;
  transactions: DemoTransaction[];
}

/** The cohort: one member per outcome a campaign can have. */
export const DEMO_COHORT: readonly DemoMember[] = [
  {
    suffix: '1',
    story: 'Apple Pay load of 1,200.00 on day 0',
    expected: 'COMPLETE (2,000 points)',
    transactions: [
      { type: 'LOAD', method: 'APPLE_PAY', amount: '1200.00', initiatedDay: 0, settledDay: 0, instant: true },
    ],
  },
  {
    suffix: '2',
    story: 'BPAY load of 1,000.00 on day 2, settled on day 4',
    expected: 'COMPLETE (2,000 points)',
    transactions: [
      { type: 'LOAD', method: 'BPAY', amount: '1000.00', initiatedDay: 2, settledDay: 4, instant: false },
    ],
  },
  {
    suffix: '3',
    story: 'Osko load of 1,500.00 on day 1, transfer of 200.00 to another cardholder on day 10',
    expected: 'DISQUALIFIED',
    transactions: [
      { type: 'LOAD', method: 'OSKO', amount: '1500.00', initiatedDay: 1, settledDay: 1, instant: true },
      {
        type: 'WITHDRAWAL',
        method: 'CARDHOLDER_TRANSFER',
        amount: '200.00',
        initiatedDay: 10,
        settledDay: 10,
        instant: true,
      },
    ],
  },
  {
    suffix: '4',
    story: 'debit card load of 400.00 on day 3',
    expected: 'EXPIRED',
    transactions: [
      { type: 'LOAD', method: 'DEBIT_CARD', amount: '400.00', initiatedDay: 3, settledDay: 3, instant: true },
    ],
  },
];

export const FEED_HEADER =
  'transaction_id,member_id,transaction_type,method,status,amount,currency,aud_amount,initiated_at,settled_at,business_date';

export interface RealtimeStep {
  day: number;
  messageId: string;
  body: Record<string, string>;
}

export interface DemoPlan {
  realtime: RealtimeStep[];
  /** Feed rows by business date (every date of the campaign gets a file, possibly header-only). */
  feedRows: Map<string, string[]>;
}

/** `hour`:`minute` local time, `day` days after day 0 (a local date), as an ISO instant with its offset. */
export function localInstant(day0: string, day: number, zone: string, hour: number, minute = 0): string {
  return DateTime.fromISO(day0, { zone })
    .plus({ days: day })
    .set({ hour, minute })
    .toISO({ suppressMilliseconds: true }) as string;
}

/** The demo's transactions of a day happen at 10:00 local; they settle a minute later. */
export const EVENT_HOUR = 10;

export function localDate(day0: string, day: number, zone: string): string {
  return DateTime.fromISO(day0, { zone }).plus({ days: day }).toISODate() as string;
}

/**
 * Turns the cohort into real-time messages and feed rows, following SPEC §3: an instant load or a
 * withdrawal is published SETTLED when it happens, a delayed load PENDING when initiated; the feed
 * carries every status change on its business date.
 */
export function planDemo(
  members: readonly { memberId: string; member: DemoMember }[],
  day0: string,
  zone: string,
): DemoPlan {
  const realtime: RealtimeStep[] = [];
  const feedRows = new Map<string, string[]>();
  const row = (date: string, fields: string[]): void =>
    void feedRows.set(date, [...(feedRows.get(date) ?? []), fields.join(',')]);
  for (const { memberId, member } of members) {
    member.transactions.forEach((t, i) => {
      const transactionId = `${memberId}-T${i + 1}`;
      const initiatedAt = localInstant(day0, t.initiatedDay, zone, EVENT_HOUR);
      const settledAt =
        t.settledDay === undefined ? undefined : localInstant(day0, t.settledDay, zone, EVENT_HOUR, 1);
      const base = {
        transactionId,
        memberId,
        type: t.type,
        method: t.method,
        amount: t.amount,
        currency: 'AUD',
        audAmount: t.amount,
        initiatedAt,
      };
      const status = t.instant ? 'SETTLED' : 'PENDING';
      realtime.push({
        day: t.initiatedDay,
        messageId: `${transactionId}:${status}`,
        body: { ...base, status, ...(t.instant && settledAt ? { settledAt } : {}) },
      });
      const csv = (st: string, settled: string, day: number): string[] => [
        transactionId,
        memberId,
        t.type,
        t.method,
        st,
        t.amount,
        'AUD',
        t.amount,
        initiatedAt,
        settled,
        localDate(day0, day, zone),
      ];
      if (!t.instant) row(localDate(day0, t.initiatedDay, zone), csv('PENDING', '', t.initiatedDay));
      if (settledAt && t.settledDay !== undefined)
        row(localDate(day0, t.settledDay, zone), csv('SETTLED', settledAt, t.settledDay));
    });
  }
  realtime.sort((a, b) => a.day - b.day);
  return { realtime, feedRows };
}
