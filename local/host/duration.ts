import { Duration } from 'luxon';

const UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/**
 * Parses `31d`, `6h`, `1d12h`, `90s`, `500ms` or an ISO-8601 duration (`P31D`, `PT6H`) into milliseconds.
 * Months and years are refused: their length depends on the calendar, which is the app's business.
 */
export function parseDuration(text: string): number {
  const trimmed = text.trim();
  if (trimmed === '0') return 0;
  if (/^P/i.test(trimmed)) {
    const d = Duration.fromISO(trimmed.toUpperCase());
    if (!d.isValid || d.years !== 0 || d.months !== 0)
      throw new Error(`"${text}" is not a duration in weeks, days, hours, minutes or seconds`);
    return d.toMillis();
  }
  const parts = [...trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/gi)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== trimmed)
    throw new Error(`"${text}" is not a duration like 31d, 6h, 1d12h, PT6H`);
  return Math.round(
    parts.reduce((sum, [, n = '0', unit = 'ms']) => sum + Number(n) * (UNITS[unit.toLowerCase()] ?? 0), 0),
  );
}
