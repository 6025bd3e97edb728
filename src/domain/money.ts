import { fail, ok, type Result } from './result';

/** Australian dollars as an integer number of cents. Never a float. */
export type AudCents = number & { readonly __brand: 'AudCents' };

export type MoneyErrorCode =
  | 'MONEY.EMPTY'
  | 'MONEY.FORMAT'
  | 'MONEY.EXPONENT'
  | 'MONEY.SIGN'
  | 'MONEY.TOO_MANY_DECIMALS'
  | 'MONEY.NOT_POSITIVE'
  | 'MONEY.TOO_LARGE';

/** Largest amount any parse accepts regardless of configuration: keeps every sum a safe integer. */
export const ABSOLUTE_MAX_CENTS = 1_000_000_000_000;

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

export interface ParseMoneyOptions {
  /** Largest accepted value in cents (inclusive). */
  maxCents: number;
  /** Accept 0 (default false: amounts must be > 0). */
  allowZero?: boolean;
}

/**
 * Parses a decimal string ("1000", "1000.5", "1000.50") into exact cents without floating point.
 * Rejects signs, exponents, more than 2 fraction digits, blanks and values above `maxCents`.
 */
export function parseAudCents(text: string, options: ParseMoneyOptions): Result<AudCents, MoneyErrorCode> {
  const cents = plainCents(text);
  return cents < 0 ? parseAudCentsChecked(text, options) : boundedCents(text, cents, options);
}

/**
 * The cents of the common case, a decimal of at most 13 significant whole digits and 2 fraction digits
 * ("1000", "1000.5", "0.50"), read without a regex or allocation; -1 for anything else, which
 * {@link parseAudCentsChecked} then reads and explains.
 */
function plainCents(text: string): number {
  const n = text.length;
  let i = 0;
  let whole = 0;
  let significant = 0;
  for (; i < n; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) break;
    if (whole !== 0 || d !== 0) {
      significant += 1;
      whole = whole * 10 + d;
    }
  }
  if (i === 0 || significant > 13) return -1;
  if (i === n) return whole * 100;
  if (text.charCodeAt(i) !== 46 || n - i - 1 < 1 || n - i - 1 > 2) return -1;
  let fraction = 0;
  for (let j = i + 1; j < n; j++) {
    const d = text.charCodeAt(j) - 48;
    if (d < 0 || d > 9) return -1;
    fraction = fraction * 10 + d;
  }
  return whole * 100 + (n - i - 1 === 1 ? fraction * 10 : fraction);
}

function boundedCents(
  text: string,
  cents: number,
  options: ParseMoneyOptions,
): Result<AudCents, MoneyErrorCode> {
  const max = Math.min(options.maxCents, ABSOLUTE_MAX_CENTS);
  if (cents > max)
    return fail('MONEY.TOO_LARGE', `amount "${text}" exceeds the maximum of ${formatCents(max)}`);
  if (cents === 0 && !options.allowZero)
    return fail('MONEY.NOT_POSITIVE', `amount "${text}" must be greater than zero`);
  return ok(cents as AudCents);
}

/** The reference reading (regex, then the checks in order): what the fast path must agree with. */
export function parseAudCentsChecked(
  text: string,
  options: ParseMoneyOptions,
): Result<AudCents, MoneyErrorCode> {
  // A decimal (digits, at most one point) cannot fail the blank, space, exponent or sign checks, so
  // those only run, in their order, for text that is not one.
  const match = DECIMAL.exec(text);
  if (!match) {
    if (text.trim() === '') return fail('MONEY.EMPTY', 'amount is empty');
    if (text !== text.trim()) return fail('MONEY.FORMAT', `amount "${text}" has surrounding spaces`);
    if (/[eE]/.test(text)) return fail('MONEY.EXPONENT', `amount "${text}" uses an exponent`);
    if (/^[+-]/.test(text)) return fail('MONEY.SIGN', `amount "${text}" must not carry a sign`);
    return fail('MONEY.FORMAT', `amount "${text}" is not a decimal number`);
  }
  const whole = match[1] ?? '';
  const fraction = match[2] ?? '';
  if (fraction.length > 2)
    return fail('MONEY.TOO_MANY_DECIMALS', `amount "${text}" has more than 2 fraction digits`);
  const digits = whole.replace(/^0+(?=\d)/, '');
  if (digits.length > 13) return fail('MONEY.TOO_LARGE', `amount "${text}" exceeds the maximum`);
  return boundedCents(text, Number(digits) * 100 + Number(fraction.padEnd(2, '0')), options);
}

/** Formats cents as a decimal string with exactly two fraction digits ("-12.50"). */
export function formatCents(cents: number): string {
  assertCents(cents);
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** Narrows a number to cents, asserting it is a safe integer. */
export function asCents(value: number): AudCents {
  assertCents(value);
  return value as AudCents;
}

export function addCents(a: AudCents, b: AudCents): AudCents {
  return asCents(a + b);
}

export function subtractCents(a: AudCents, b: AudCents): AudCents {
  return asCents(a - b);
}

export function sumCents(values: Iterable<AudCents>): AudCents {
  let total = 0 as AudCents;
  for (const value of values) total = addCents(total, value);
  return total;
}

export const ZERO_CENTS = 0 as AudCents;

function assertCents(value: number): void {
  if (!Number.isSafeInteger(value)) throw new RangeError(`not an integer number of cents: ${value}`);
}
