import { DateTime } from 'luxon';

/** SPEC §7 feed header, exactly. */
export const FEED_HEADER =
  'transaction_id,member_id,transaction_type,method,status,amount,currency,aud_amount,initiated_at,settled_at,business_date';

export const ZONE = 'Australia/Sydney';

export type Status = 'PENDING' | 'SETTLED' | 'FAILED' | 'REVERSED';

/** One card-platform transaction, as the tests describe it (amounts as decimal strings). */
export interface Tx {
  transactionId: string;
  memberId: string;
  type: 'LOAD' | 'WITHDRAWAL' | 'PURCHASE';
  method: string;
  amount: string;
  /** Default AUD. */
  currency?: string;
  /** Default `amount`. */
  audAmount?: string;
  /** ISO instant with offset. */
  initiatedAt: string;
}

export interface Message {
  messageId: string;
  body: Record<string, string>;
}

export interface FeedRow {
  tx: Tx;
  status: Status;
  businessDate: string;
  settledAt?: string;
}

/** A real-time message (SPEC §7): `messageId` = `transactionId:status`; `settledAt` iff not PENDING. */
export function message(tx: Tx, status: Status, settledAt?: string): Message {
  const body: Record<string, string> = {
    transactionId: tx.transactionId,
    memberId: tx.memberId,
    type: tx.type,
    method: tx.method,
    status,
    amount: tx.amount,
    currency: tx.currency ?? 'AUD',
    audAmount: tx.audAmount ?? tx.amount,
    initiatedAt: tx.initiatedAt,
  };
  if (status !== 'PENDING') body['settledAt'] = settledAt ?? tx.initiatedAt;
  return { messageId: `${tx.transactionId}:${status}`, body };
}

export function feedRow(tx: Tx, status: Status, businessDate: string, settledAt?: string): FeedRow {
  return {
    tx,
    status,
    businessDate,
    ...(status === 'PENDING' ? {} : { settledAt: settledAt ?? tx.initiatedAt }),
  };
}

/** One CSV record (no field needs quoting: ids, methods and ISO instants carry no commas). */
export function feedLine(r: FeedRow): string {
  const { tx } = r;
  return [
    tx.transactionId,
    tx.memberId,
    tx.type,
    tx.method,
    r.status,
    tx.amount,
    tx.currency ?? 'AUD',
    tx.audAmount ?? tx.amount,
    tx.initiatedAt,
    r.status === 'PENDING' ? '' : (r.settledAt ?? tx.initiatedAt),
    r.businessDate,
  ].join(',');
}

/** Local campaign days counted from day 0 (the enrolment's local date), DST-aware. */
export class CampaignDays {
  constructor(
    readonly day0: string,
    readonly zone = ZONE,
  ) {}

  /** `hour:minute` local on day `day`, as an ISO instant with its offset. */
  at(day: number, hour: number, minute = 0): string {
    return DateTime.fromISO(this.day0, { zone: this.zone })
      .plus({ days: day })
      .set({ hour, minute, second: 0, millisecond: 0 })
      .toISO({ suppressMilliseconds: true }) as string;
  }

  date(day: number): string {
    return DateTime.fromISO(this.day0).plus({ days: day }).toISODate() as string;
  }

  /** Local days from day 0 to `date`. */
  dayOf(date: string): number {
    return Math.round(DateTime.fromISO(date).diff(DateTime.fromISO(this.day0), 'days').days);
  }
}
