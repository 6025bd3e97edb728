import type { LocalDate } from './calendar';
import type { Observation } from './observation';
import { classifyTransaction, type IgnoreReason } from './rawTransaction';

/** SPEC §7: the data file's header, exactly. */
export const FEED_HEADER = [
  'transaction_id',
  'member_id',
  'transaction_type',
  'method',
  'status',
  'amount',
  'currency',
  'aud_amount',
  'initiated_at',
  'settled_at',
  'business_date',
] as const;

export type FeedRowResult =
  | { kind: 'OBSERVATION'; observation: Observation }
  | { kind: 'IGNORED'; reason: IgnoreReason }
  | { kind: 'REJECTED'; code: string; detail: string };

export interface FeedRowContext {
  businessDate: LocalDate;
  version: number;
  maxAmountCents: number;
}

/** Validates one data row (already split into fields) of the overnight feed. */
export function parseFeedRow(fields: readonly string[], ctx: FeedRowContext): FeedRowResult {
  if (fields.length !== FEED_HEADER.length) {
    return {
      kind: 'REJECTED',
      code: 'ROW.COLUMN_COUNT',
      detail: `expected ${FEED_HEADER.length} fields, found ${fields.length}`,
    };
  }
  const [
    transactionId,
    memberId,
    type,
    method,
    status,
    amount,
    currency,
    audAmount,
    initiatedAt,
    settledAt,
    businessDate,
  ] = fields as [string, string, string, string, string, string, string, string, string, string, string];
  if (businessDate !== ctx.businessDate) {
    return {
      kind: 'REJECTED',
      code: 'ROW.BUSINESS_DATE',
      detail: `business_date "${businessDate}" is not the manifest's ${ctx.businessDate}`,
    };
  }
  const result = classifyTransaction(
    { transactionId, memberId, type, method, status, amount, currency, audAmount, initiatedAt, settledAt },
    {
      source: 'FEED',
      knownOn: ctx.businessDate,
      feedVersion: ctx.version,
      maxAmountCents: ctx.maxAmountCents,
    },
  );
  return result.ok ? result.value : { kind: 'REJECTED', code: result.code, detail: result.detail };
}
