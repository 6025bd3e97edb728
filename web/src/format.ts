// Formatting for the console and the member view. Pure (no DOM), unit-tested in
// tests/unit/consoleFormat.unit.test.ts. Money arrives as integer cents and is never divided: the
// digits are split as text, so no float ever touches an amount.

/** "AUD 1,234.56" from 123456; "-AUD 12.50" from -1250. Throws on anything but a safe integer. */
export function formatAud(cents: number): string {
  if (!Number.isSafeInteger(cents)) throw new RangeError(`not an integer number of cents: ${cents}`);
  const digits = String(Math.abs(cents)).padStart(3, '0');
  const whole = digits.slice(0, -2).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${cents < 0 ? '-' : ''}AUD ${whole}.${digits.slice(-2)}`;
}

/** Whole points with thousands separators: "2,000". */
export function formatPoints(points: number): string {
  if (!Number.isSafeInteger(points)) throw new RangeError(`not a whole number of points: ${points}`);
  return `${points < 0 ? '-' : ''}${String(Math.abs(points)).replace(/\B(?=(\d{3})+(?!\d))/g, ',')}`;
}

/** An instant in the campaign's zone, the zone named: "Wed 25 Nov 2026, 09:00 AEDT (Australia/Sydney)". */
export function formatInstant(iso: string, timeZone: string): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  const text = new Intl.DateTimeFormat('en-AU', {
    timeZone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  }).format(at);
  return `${text} (${timeZone})`;
}

/** A campaign-calendar date (YYYY-MM-DD, already local): "Wed 30 Dec 2026". */
export function formatLocalDate(date: string): string {
  const at = new Date(`${date}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(at.getTime())) return date;
  return new Intl.DateTimeFormat('en-AU', {
    timeZone: 'UTC',
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
  }).format(at);
}

const DAY_MS = 86_400_000;

/** Whole days (rounded up) from `asOf` to `closesAt`, 0 once closed: the server's clock, not the browser's. */
export function daysLeft(asOfIso: string, closesAtIso: string): number {
  const ms = Date.parse(closesAtIso) - Date.parse(asOfIso);
  return ms <= 0 ? 0 : Math.ceil(ms / DAY_MS);
}

/** How far along the target is, 0-100 whole percent (integer arithmetic on cents). */
export function percentOf(cents: number, targetCents: number): number {
  if (targetCents <= 0 || cents <= 0) return 0;
  return cents >= targetCents ? 100 : Math.floor((cents * 100) / targetCents);
}
