import { DateTime } from 'luxon';

/** A local calendar date in the campaign time zone, `YYYY-MM-DD`. */
export type LocalDate = string;

export interface WindowRules {
  windowDays: number;
  graceDays: number;
  timeZone: string;
}

/** Every date and instant of one member's campaign, all derived from `enrolledAt` (SPEC §2). */
export interface CampaignWindow {
  /** UTC ISO instant of enrolment. */
  enrolledAt: string;
  /** Local date of enrolment: day 0. */
  day0: LocalDate;
  /** 00:00 local of day 0 + windowDays + 1, as a UTC ISO instant (exclusive end). */
  windowClosesAt: string;
  /** L = day 0 + windowDays + graceDays. */
  lastGraceDate: LocalDate;
  /** 00:00 local of L + 1, as a UTC ISO instant. */
  evaluationAt: string;
}

function parseInstant(iso: string): DateTime {
  const parsed = DateTime.fromISO(iso, { setZone: true });
  if (!parsed.isValid) throw new RangeError(`not an ISO-8601 instant: ${iso}`);
  return parsed;
}

/** An instant as the ledger stores it (UTC ISO with milliseconds): Date.parse reads it exactly. */
const STORED_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Epoch milliseconds of an ISO-8601 instant with an offset. */
export function instantMs(iso: string): number {
  // Fast path for the normalised form the totals fold over for every observation; luxon otherwise.
  return STORED_UTC.test(iso) ? Date.parse(iso) : parseInstant(iso).toMillis();
}

/** Normalises an instant with any offset to a UTC ISO string with milliseconds. */
export function toUtcIso(iso: string): string {
  return parseInstant(iso).toUTC().toISO() as string;
}

export function utcIsoFromMs(ms: number): string {
  return DateTime.fromMillis(ms, { zone: 'utc' }).toISO() as string;
}

/** The local calendar date of an instant in `timeZone`. */
export function localDateOf(iso: string, timeZone: string): LocalDate {
  return parseInstant(iso).setZone(timeZone).toISODate() as LocalDate;
}

/** Calendar arithmetic on local dates (no time zone involved: dates are not instants). */
export function addDays(date: LocalDate, days: number): LocalDate {
  return DateTime.fromISO(date, { zone: 'utc' }).plus({ days }).toISODate() as LocalDate;
}

/** Midnight at the start of a local date, as a UTC ISO instant (DST-aware). */
export function startOfLocalDate(date: LocalDate, timeZone: string): string {
  return DateTime.fromISO(date, { zone: timeZone }).startOf('day').toUTC().toISO() as string;
}

/** Builds a member's window. Day 0 is the enrolment's local date; every boundary is local midnight. */
export function campaignWindow(enrolledAtIso: string, rules: WindowRules): CampaignWindow {
  const day0 = localDateOf(enrolledAtIso, rules.timeZone);
  const lastGraceDate = addDays(day0, rules.windowDays + rules.graceDays);
  return {
    enrolledAt: toUtcIso(enrolledAtIso),
    day0,
    windowClosesAt: startOfLocalDate(addDays(day0, rules.windowDays + 1), rules.timeZone),
    lastGraceDate,
    evaluationAt: startOfLocalDate(addDays(lastGraceDate, 1), rules.timeZone),
  };
}

/** SPEC §2: a transaction belongs to the window iff enrolledAt <= initiatedAt < windowClosesAt. */
export function isInWindow(initiatedAtIso: string, window: CampaignWindow): boolean {
  const t = instantMs(initiatedAtIso);
  return instantMs(window.enrolledAt) <= t && t < instantMs(window.windowClosesAt);
}
