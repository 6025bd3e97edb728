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

/**
 * Why a valid transaction is acknowledged without effect: the ones {@link classifyTransaction} ignores, and
 * any of a member outside the campaign. Both streams count them by these names (SPEC §3, §7).
 */
export const IGNORED_REASONS = ['NON_CAMPAIGN_MEMBER', 'NON_QUALIFYING_TYPE', 'UNKNOWN_METHOD'] as const;
export type IgnoredReason = (typeof IGNORED_REASONS)[number];

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
const CURRENCY = /^[A-Z]{3}$/;

/** `ID_PATTERN.test(s)` without the regex (its bounded repetition costs ~150 ns a row on the feed). */
function isId(s: string): boolean {
  const n = s.length;
  if (n < 1 || n > 128) return false;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    const alnum = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
    // '.', ':', '-', '_' after the first character
    if (!alnum && (i === 0 || (c !== 46 && c !== 58 && c !== 45 && c !== 95))) return false;
  }
  return true;
}

/**
 * Validates a raw transaction and classifies it: an observation for the campaign, ignored (spending types,
 * unknown methods), or rejected with a stable code. Shared by the real-time message and the feed row so the
 * two contracts are held to exactly the same rules.
 */
export function classifyTransaction(
  raw: RawTransaction,
  ctx: ClassifyContext,
): Result<Classified, TxRejectCode> {
  if (!isId(raw.transactionId))
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

  const { initiatedAt, settledAt } = times.value;
  const observation: Observation = {
    transactionId: raw.transactionId,
    memberId: raw.memberId,
    type,
    method: raw.method,
    status,
    amount: raw.amount,
    currency: raw.currency,
    audCents: money.value,
    initiatedAt,
    source: ctx.source,
    knownOn: ctx.knownOn,
  };
  if (settledAt) observation.settledAt = settledAt;
  if (ctx.source === 'FEED') observation.feedVersion = ctx.feedVersion ?? 1;
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
  if (!p)
    AMOUNT_PATTERNS.set(digits, (p = digits === 0 ? /^\d+$/ : new RegExp(`^\\d+(\\.\\d{1,${digits}})?$`)));
  return p;
}
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const TWO_DIGITS = Array.from({ length: 100 }, (_, n) => String(n).padStart(2, '0'));
const isLeap = (year: number): boolean => year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);

/** The value of the two ASCII digits at `i` and `i + 1`, or -1. */
function twoDigits(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/**
 * Normalises an ISO-8601 instant with an offset to UTC (`Date#toISOString` form), or undefined when it
 * is not `YYYY-MM-DDTHH:MM[:SS[.fraction (1-9 digits)]](Z|±HH:MM)` or a field is out of range (Feb 30,
 * 24:30, offset hour 25; 24:00 is the next midnight, as luxon reads it).
 * Exact and without luxon or a regex: this runs once or twice per campaign row of a multi-million-row
 * feed. The calendar arithmetic below covers the usual shapes; 24:00, a fraction of other than 3
 * digits and the years 0000 and 9999 are left to `Date`, which reads them as the ECMAScript date format.
 */
export function utcIsoOf(iso: string): string | undefined {
  const n = iso.length;
  if (n < 17) return undefined;
  const century = twoDigits(iso, 0);
  const yy = twoDigits(iso, 2);
  const month = twoDigits(iso, 5);
  const day = twoDigits(iso, 8);
  const hour = twoDigits(iso, 11);
  const minute = twoDigits(iso, 14);
  if (
    century < 0 ||
    yy < 0 ||
    month < 0 ||
    day < 0 ||
    hour < 0 ||
    minute < 0 ||
    iso.charCodeAt(4) !== 45 ||
    iso.charCodeAt(7) !== 45 ||
    iso.charCodeAt(10) !== 84 ||
    iso.charCodeAt(13) !== 58
  )
    return undefined;
  let i = 16;
  let second = 0;
  let fraction = '';
  if (iso.charCodeAt(i) === 58) {
    second = twoDigits(iso, i + 1);
    if (second < 0) return undefined;
    i += 3;
    if (iso.charCodeAt(i) === 46) {
      let j = i + 1;
      while (j < n && iso.charCodeAt(j) >= 48 && iso.charCodeAt(j) <= 57) j += 1;
      if (j === i + 1 || j - i - 1 > 9) return undefined;
      fraction = iso.slice(i + 1, j);
      i = j;
    }
  }
  let offsetMinutes = 0;
  const zone = iso.charCodeAt(i);
  if (zone === 90) {
    if (i + 1 !== n) return undefined;
  } else if (zone === 43 || zone === 45) {
    const oh = twoDigits(iso, i + 1);
    const om = twoDigits(iso, i + 4);
    if (i + 6 !== n || oh < 0 || om < 0 || iso.charCodeAt(i + 3) !== 58) return undefined;
    // Stricter than luxon on purpose: an offset hour above 23 or minute above 59 is not an offset.
    if (oh > 23 || om > 59) return undefined;
    offsetMinutes = zone === 43 ? oh * 60 + om : -(oh * 60 + om);
  } else {
    return undefined;
  }
  const year = century * 100 + yy;
  const days = month === 2 && isLeap(year) ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
  if (day < 1 || day > days || hour > 24 || minute > 59 || second > 59) return undefined;
  if (hour === 24 || (fraction.length !== 0 && fraction.length !== 3) || year === 0 || year === 9999) {
    const instant = new Date(iso);
    return Number.isNaN(instant.getTime()) ? undefined : instant.toISOString();
  }
  // The offset moves the wall time by less than a day: at most one day back or forward.
  let minutes = hour * 60 + minute - offsetMinutes;
  let y = year;
  let m = month;
  let d = day;
  if (minutes < 0) {
    minutes += 1440;
    d -= 1;
    if (d < 1) {
      m -= 1;
      if (m < 1) {
        m = 12;
        y -= 1;
      }
      d = m === 2 && isLeap(y) ? 29 : (DAYS_IN_MONTH[m - 1] ?? 31);
    }
  } else if (minutes >= 1440) {
    minutes -= 1440;
    d += 1;
    if (d > days) {
      d = 1;
      m += 1;
      if (m > 12) {
        m = 1;
        y += 1;
      }
    }
  }
  const yyyy = y >= 1000 ? String(y) : String(y).padStart(4, '0');
  const hh = TWO_DIGITS[Math.trunc(minutes / 60)] as string;
  const mm = TWO_DIGITS[minutes % 60] as string;
  return `${yyyy}-${TWO_DIGITS[m] as string}-${TWO_DIGITS[d] as string}T${hh}:${mm}:${TWO_DIGITS[second] as string}.${fraction === '' ? '000' : fraction}Z`;
}

function checkTimes(
  raw: RawTransaction,
  status: TxStatus,
): Result<{ initiatedAt: string; settledAt?: string }, TxRejectCode> {
  const initiatedAt = utcIsoOf(raw.initiatedAt);
  if (initiatedAt === undefined) {
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
  if (settled !== '' && settledAt === undefined) {
    return fail('TX.BAD_TIMESTAMP', `settledAt "${settled}" is not an ISO-8601 instant with an offset`);
  }
  return ok(settledAt ? { initiatedAt, settledAt } : { initiatedAt });
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
