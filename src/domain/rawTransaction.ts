import { parseAudCents } from './money';
import type { LocalDate } from './calendar';
import type { Observation, ObservationSource } from './observation';
import { fail, ok, type Result } from './result';
import {
  isKnownMethod,
  isTrackedType,
  TX_STATUSES,
  TX_TYPES,
  type TxStatus,
  type TxType,
} from './transaction';

/** A transaction as both contracts carry it: every field a string, before validation. */
export interface RawTransaction {
  transactionId: string;
  memberId: string;
  type: string;
  method: string;
  status: string;
  amount: string;
  currency: string;
  audAmount: string;
  initiatedAt: string;
  settledAt?: string;
}

/** Stable reason codes for a transaction that cannot be accepted; ops filter the quarantine by them. */
export type TxRejectCode =
  | 'TX.BAD_ID'
  | 'TX.BAD_MEMBER_ID'
  | 'TX.BAD_TYPE'
  | 'TX.BAD_STATUS'
  | 'TX.BAD_METHOD'
  | 'TX.BAD_CURRENCY'
  | 'TX.BAD_AMOUNT'
  | 'TX.BAD_AUD_AMOUNT'
  | 'TX.AUD_MISMATCH'
  | 'TX.BAD_TIMESTAMP'
  | 'TX.SETTLED_AT_RULE';

export type IgnoreReason = 'NON_QUALIFYING_TYPE' | 'UNKNOWN_METHOD';

export type Classified =
  { kind: 'OBSERVATION'; observation: Observation } | { kind: 'IGNORED'; reason: IgnoreReason };

export interface ClassifyContext {
  source: ObservationSource;
  knownOn: LocalDate;
  feedVersion?: number;
  maxAmountCents: number;
}

export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
export const MEMBER_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const OFFSET_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const CURRENCY = /^[A-Z]{3}$/;

/**
 * Validates a raw transaction and classifies it: an observation for the campaign, ignored (spending types,
 * unknown methods), or rejected with a stable code. Shared by the real-time message and the feed row so the
 * two contracts are held to exactly the same rules.
 */
export function classifyTransaction(
  raw: RawTransaction,
  ctx: ClassifyContext,
): Result<Classified, TxRejectCode> {
  if (!ID_PATTERN.test(raw.transactionId))
    return fail('TX.BAD_ID', `transactionId "${raw.transactionId}" is not a valid id`);
  if (!MEMBER_ID_PATTERN.test(raw.memberId))
    return fail('TX.BAD_MEMBER_ID', `memberId "${raw.memberId}" is not a valid id`);
  if (!(TX_TYPES as readonly string[]).includes(raw.type))
    return fail('TX.BAD_TYPE', `type "${raw.type}" is not one of ${TX_TYPES.join(', ')}`);
  if (!(TX_STATUSES as readonly string[]).includes(raw.status))
    return fail('TX.BAD_STATUS', `status "${raw.status}" is not one of ${TX_STATUSES.join(', ')}`);
  if (raw.method.trim() === '') return fail('TX.BAD_METHOD', 'method is empty');
  const type = raw.type as TxType;
  const status = raw.status as TxStatus;

  const money = checkAmounts(raw, ctx.maxAmountCents);
  if (!money.ok) return money;
  const times = checkTimes(raw, status);
  if (!times.ok) return times;

  if (!isTrackedType(type)) return ok({ kind: 'IGNORED', reason: 'NON_QUALIFYING_TYPE' });
  if (!isKnownMethod(type, raw.method)) return ok({ kind: 'IGNORED', reason: 'UNKNOWN_METHOD' });

  const observation: Observation = {
    transactionId: raw.transactionId,
    memberId: raw.memberId,
    type,
    method: raw.method,
    status,
    amount: raw.amount,
    currency: raw.currency,
    audCents: money.value,
    initiatedAt: times.value.initiatedAt,
    ...(times.value.settledAt ? { settledAt: times.value.settledAt } : {}),
    source: ctx.source,
    knownOn: ctx.knownOn,
    ...(ctx.source === 'FEED' ? { feedVersion: ctx.feedVersion ?? 1 } : {}),
  };
  return ok({ kind: 'OBSERVATION', observation });
}

function checkAmounts(
  raw: RawTransaction,
  maxAmountCents: number,
): Result<Observation['audCents'], TxRejectCode> {
  if (!CURRENCY.test(raw.currency) || minorUnits(raw.currency) === undefined) {
    return fail('TX.BAD_CURRENCY', `currency "${raw.currency}" is not an ISO 4217 code`);
  }
  const aud = parseAudCents(raw.audAmount, { maxCents: maxAmountCents });
  if (!aud.ok) return fail('TX.BAD_AUD_AMOUNT', `audAmount: ${aud.detail}`);
  const digits = minorUnits(raw.currency) ?? 2;
  const amountPattern = amountPatternFor(digits);
  if (!amountPattern.test(raw.amount) || /^0+(\.0*)?$/.test(raw.amount)) {
    return fail(
      'TX.BAD_AMOUNT',
      `amount "${raw.amount}" is not a positive ${raw.currency} amount with at most ${digits} fraction digits`,
    );
  }
  if (raw.currency === 'AUD') {
    const amount = parseAudCents(raw.amount, { maxCents: Number.MAX_SAFE_INTEGER });
    if (!amount.ok || amount.value !== aud.value) {
      return fail(
        'TX.AUD_MISMATCH',
        `audAmount "${raw.audAmount}" must equal amount "${raw.amount}" for AUD`,
      );
    }
  }
  return ok(aud.value);
}

const AMOUNT_PATTERNS = new Map<number, RegExp>();
function amountPatternFor(digits: number): RegExp {
  let p = AMOUNT_PATTERNS.get(digits);
  if (!p) AMOUNT_PATTERNS.set(digits, (p = digits === 0 ? /^\d+$/ : new RegExp(`^\\d+(\\.\\d{1,${digits}})?$`)));
  return p;
}
const PARTS = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Normalises an ISO-8601 instant with an offset to UTC (`Date#toISOString` form), or undefined when a
 * field is out of range (Feb 30, 24:30, offset hour 25; 24:00 is the next midnight, as luxon reads it).
 * Exact and without luxon: this runs once or twice per campaign row of a multi-million-row feed.
 */
function utcIsoOf(iso: string): string | undefined {
  const m = PARTS.exec(iso);
  if (!m) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
  if (day < 1 || day > days || Number(m[4]) > 24 || Number(m[5]) > 59 || Number(m[6] ?? 0) > 59) return undefined;
  // Stricter than luxon on purpose: an offset hour above 23 or minute above 59 is not an offset.
  if (Number(m[7] ?? 0) > 23 || Number(m[8] ?? 0) > 59) return undefined;
  const instant = new Date(iso);
  return Number.isNaN(instant.getTime()) ? undefined : instant.toISOString();
}

function checkTimes(
  raw: RawTransaction,
  status: TxStatus,
): Result<{ initiatedAt: string; settledAt?: string }, TxRejectCode> {
  const initiatedAt = utcIsoOf(raw.initiatedAt);
  if (!OFFSET_INSTANT.test(raw.initiatedAt) || initiatedAt === undefined) {
    return fail(
      'TX.BAD_TIMESTAMP',
      `initiatedAt "${raw.initiatedAt}" is not an ISO-8601 instant with an offset`,
    );
  }
  const settled = raw.settledAt ?? '';
  if (status === 'PENDING' && settled !== '')
    return fail('TX.SETTLED_AT_RULE', 'settledAt must be empty for PENDING');
  if (status !== 'PENDING' && settled === '')
    return fail('TX.SETTLED_AT_RULE', `settledAt is required for ${status}`);
  const settledAt = settled === '' ? undefined : utcIsoOf(settled);
  if (settled !== '' && (!OFFSET_INSTANT.test(settled) || settledAt === undefined)) {
    return fail('TX.BAD_TIMESTAMP', `settledAt "${settled}" is not an ISO-8601 instant with an offset`);
  }
  return ok({ initiatedAt, ...(settledAt ? { settledAt } : {}) });
}


const KNOWN_CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

/** The currency's minor units from ICU data (JPY 0, AUD 2, KWD 3), or undefined for an unknown code. */
const MINOR_UNITS = new Map<string, number | undefined>();
function minorUnits(currency: string): number | undefined {
  if (MINOR_UNITS.has(currency)) return MINOR_UNITS.get(currency);
  const units = computeMinorUnits(currency);
  MINOR_UNITS.set(currency, units);
  return units;
}
function computeMinorUnits(currency: string): number | undefined {
  if (!KNOWN_CURRENCIES.has(currency)) return undefined;
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
      .maximumFractionDigits;
  } catch {
    return undefined;
  }
}
