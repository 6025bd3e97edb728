import { seededRandom } from '../../local/durable/delivery';
import type { ModelObservation } from './referenceModel';
import {
  CampaignDays,
  feedRow,
  message,
  type FeedRow,
  type Message,
  type Status,
  type Tx,
} from './e2eTransactions';

export interface RandomCohort {
  memberIds: string[];
  /** The campaign day (from the timeline's day 0) each member enrols on, at 09:00 local. */
  enrolDay: Map<string, number>;
  /** Real-time messages by the day they are published (already duplicated and shuffled). */
  realtime: Map<number, Message[]>;
  /** Feed rows by business day. */
  feed: Map<number, FeedRow[]>;
}

const cents = (n: number): string => `${Math.floor(n / 100)}.${String(n % 100).padStart(2, '0')}`;

/**
 * Random event streams per SPEC §3: instant loads published SETTLED, delayed loads PENDING then settled,
 * failed or reversed in the feed (sometimes after the last grace date), withdrawals pending or settled,
 * purchases and unknown methods (ignored), foreign currency, feed amounts that differ from real time
 * (feed wins), duplicated and late real-time deliveries, and rows of members who never enrolled.
 */
export function randomCohort(
  seed: number,
  size: number,
  days: CampaignDays,
  lastDay: number,
  enrolDayOf: (i: number) => number = () => 0,
): RandomCohort {
  const rnd = seededRandom(seed);
  const int = (lo: number, hi: number): number => lo + Math.floor(rnd() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const realtime = new Map<number, Message[]>();
  const feed = new Map<number, FeedRow[]>();
  const publish = (day: number, m: Message): void => {
    const copies = rnd() < 0.3 ? [day, day + pick([0, 0, 1, 2])] : [day];
    for (const d of copies) realtime.set(d, [...(realtime.get(d) ?? []), m]);
  };
  const row = (day: number, tx: Tx, status: Status, settledDay: number, audAmount?: string): void => {
    if (day > lastDay) return; // the campaign stops receiving files here
    // an AUD row's amount equals its aud_amount (SPEC §7), so a corrected AUD amount changes both
    const t = audAmount ? { ...tx, audAmount, ...(tx.currency ? {} : { amount: audAmount }) } : tx;
    feed.set(day, [...(feed.get(day) ?? []), feedRow(t, status, days.date(day), days.at(settledDay, 11))]);
  };
  const memberIds: string[] = [];
  const enrolDay = new Map<string, number>();
  for (let i = 1; i <= size + 5; i++) {
    const enrolled = i <= size;
    const memberId = enrolled ? `R-${String(i).padStart(3, '0')}` : `R-GHOST-${i}`;
    const start = enrolDayOf(i);
    if (enrolled) {
      memberIds.push(memberId);
      enrolDay.set(memberId, start);
    }
    const count = int(0, 5);
    for (let n = 1; n <= count; n++) {
      let day = start + int(0, 33);
      let initiatedAt = days.at(day, 9, int(5, 59));
      if (rnd() < 0.05) {
        // at the window's edge: the last minute of day 30 (in) or the first of day 31 (out); the
        // platform publishes it the next morning
        initiatedAt = rnd() < 0.5 ? days.at(start + 30, 23, 59) : days.at(start + 31, 0, 0);
        day = start + 31;
      }
      const base = { transactionId: `${memberId}-T${n}`, memberId, initiatedAt };
      const amountCents = int(50, 900) * 100 + pick([0, 0, 50, 99]);
      const kind = rnd();
      if (kind < 0.4) {
        const foreign = rnd() < 0.1;
        const tx: Tx = {
          ...base,
          type: 'LOAD',
          method: pick(['DEBIT_CARD', 'APPLE_PAY', 'GOOGLE_PAY', 'OSKO']),
          amount: foreign ? cents(Math.round(amountCents * 0.65)) : cents(amountCents),
          ...(foreign ? { currency: 'USD', audAmount: cents(amountCents) } : {}),
        };
        publish(day, message(tx, 'SETTLED', days.at(day, 11)));
        const settledDay = day + int(0, 1);
        const mismatch = rnd() < 0.05 ? cents(amountCents + int(-40, 40) * 100) : undefined;
        row(settledDay, tx, 'SETTLED', day, mismatch);
        if (rnd() < 0.15) row(settledDay + int(1, 10), tx, 'REVERSED', day, mismatch);
      } else if (kind < 0.65) {
        const tx: Tx = {
          ...base,
          type: 'LOAD',
          method: pick(['BPAY', 'BANK_TRANSFER']),
          amount: cents(amountCents),
        };
        publish(day, message(tx, 'PENDING'));
        row(day, tx, 'PENDING', day);
        const outcome = rnd();
        const settledDay = day + int(1, 9);
        if (outcome < 0.75) {
          row(settledDay, tx, 'SETTLED', settledDay);
          if (rnd() < 0.1) row(settledDay + int(1, 6), tx, 'REVERSED', settledDay);
        } else if (outcome < 0.9) row(settledDay, tx, 'FAILED', settledDay);
      } else if (kind < 0.85) {
        const tx: Tx = {
          ...base,
          type: 'WITHDRAWAL',
          method: pick(['CARDHOLDER_TRANSFER', 'BANK_ACCOUNT', 'ATM']),
          amount: cents(int(20, 300) * 100),
        };
        if (rnd() < 0.5) {
          publish(day, message(tx, 'SETTLED', days.at(day, 11)));
          row(day, tx, 'SETTLED', day);
        } else {
          publish(day, message(tx, 'PENDING'));
          row(day, tx, 'PENDING', day);
          const outcome = rnd();
          const doneDay = day + int(1, 4);
          if (outcome < 0.5) {
            row(doneDay, tx, 'SETTLED', doneDay);
            if (rnd() < 0.5) publish(doneDay, message(tx, 'SETTLED', days.at(doneDay, 11)));
          } else if (outcome < 0.9) row(doneDay, tx, 'FAILED', doneDay);
        }
      } else if (kind < 0.95) {
        const tx: Tx = { ...base, type: 'PURCHASE', method: 'CARD', amount: cents(amountCents) };
        publish(day, message(tx, 'SETTLED', days.at(day, 11)));
        row(day, tx, 'SETTLED', day);
      } else {
        const tx: Tx = { ...base, type: 'LOAD', method: 'CHEQUE', amount: cents(amountCents) };
        publish(day, message(tx, 'SETTLED', days.at(day, 11)));
        row(day, tx, 'SETTLED', day);
      }
    }
  }
  // out of order: each day's deliveries in random order (Fisher–Yates)
  for (const list of realtime.values())
    for (let i = list.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [list[i], list[j]] = [list[j]!, list[i]!];
    }
  return { memberIds, enrolDay, realtime, feed };
}

const toCents = (decimal: string): number => {
  const [whole, frac = ''] = decimal.split('.');
  return Number(whole) * 100 + Number(frac.padEnd(2, '0'));
};

/** The observations a member's stream produced once `day`'s feed file (and everything before) was processed. */
export function observationsOf(
  cohort: RandomCohort,
  days: CampaignDays,
  throughDay: number,
  rtDay = throughDay,
) {
  const byMember = new Map<string, ModelObservation[]>();
  const add = (o: ModelObservation): void =>
    void byMember.set(o.memberId, [...(byMember.get(o.memberId) ?? []), o]);
  for (const [day, list] of cohort.realtime)
    if (day <= rtDay)
      for (const m of list)
        add({
          transactionId: m.body['transactionId']!,
          memberId: m.body['memberId']!,
          type: m.body['type']!,
          method: m.body['method']!,
          status: m.body['status'] as Status,
          audCents: toCents(m.body['audAmount']!),
          initiatedAt: m.body['initiatedAt']!,
          source: 'REALTIME',
          knownOn: days.date(day),
        });
  for (const [day, rows] of cohort.feed)
    if (day <= throughDay)
      for (const r of rows)
        add({
          transactionId: r.tx.transactionId,
          memberId: r.tx.memberId,
          type: r.tx.type,
          method: r.tx.method,
          status: r.status,
          audCents: toCents(r.tx.audAmount ?? r.tx.amount),
          initiatedAt: r.tx.initiatedAt,
          source: 'FEED',
          knownOn: r.businessDate,
        });
  return byMember;
}
