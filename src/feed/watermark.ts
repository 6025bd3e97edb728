import { addDays } from '../domain/calendar';

/**
 * SPEC §2: the last date W such that every date from `startDate` to W has a completed run; null while
 * `startDate` itself has none. A missing date holds W back however many later dates completed.
 */
export function nextWatermark(startDate: string, completedDates: Iterable<string>): string | null {
  const done = new Set(completedDates);
  let watermark: string | null = null;
  for (let date = startDate; done.has(date); date = addDays(date, 1)) watermark = date;
  return watermark;
}

/**
 * Real-time SETTLED transactions known on or before this date and still absent from every feed are
 * flagged by the run of `businessDate`: three feed dates after the one they became known have run.
 */
export function missingFromFeedCutoff(businessDate: string): string {
  return addDays(businessDate, -3);
}
