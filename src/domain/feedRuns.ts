import { addDays, type LocalDate } from './calendar';

/**
 * The overnight feed's run rules (SPEC §2, §3): the settlement watermark, which run of a business date
 * may apply (admission), and when a real-time settlement counts as missing from the feed. Pure; the feed
 * pipeline (src/feed/) reads and writes the run documents and asks these.
 */

/** A feed run's lifecycle, defined once (the run documents and the ops API list these). */
export const FEED_RUN_STATUSES = ['VERIFYING', 'APPLYING', 'COMPLETED', 'REJECTED', 'SUPERSEDED'] as const;
export type FeedRunStatus = (typeof FEED_RUN_STATUSES)[number];

/** What admission reads of a run of the same business date. */
export interface RunOfDate {
  id: string;
  version: number;
  status: FeedRunStatus;
}

/**
 * SPEC §2: the last date W such that every date from `startDate` to W has a completed run; null while
 * `startDate` itself has none. A missing date holds W back however many later dates completed.
 */
export function nextWatermark(startDate: LocalDate, completedDates: Iterable<LocalDate>): LocalDate | null {
  const done = new Set(completedDates);
  let watermark: LocalDate | null = null;
  for (let date = startDate; done.has(date); date = addDays(date, 1)) watermark = date;
  return watermark;
}

/** Feed dates after the one a real-time settlement became known before it counts as missing. */
export const MISSING_FROM_FEED_AFTER_DATES = 3;

/**
 * Real-time SETTLED transactions known on or before this date and still absent from every feed are
 * flagged by the run of `businessDate`: three feed dates after the one they became known have run.
 */
export function missingFromFeedCutoff(businessDate: LocalDate): LocalDate {
  return addDays(businessDate, -MISSING_FROM_FEED_AFTER_DATES);
}

export type Admission<R extends RunOfDate = RunOfDate> =
  | { kind: 'PROCEED'; existing?: R }
  | { kind: 'DUPLICATE'; of: R }
  | { kind: 'CONFLICT'; with: R }
  | { kind: 'SUPERSEDED'; by: R };

/** Runs that hold (or are applying) a business date's observations. */
const holdsDate = (run: RunOfDate): boolean => run.status === 'COMPLETED' || run.status === 'APPLYING';

/**
 * SPEC §3 Corrections, decided before any byte is read: the same file again is a DUPLICATE, the same
 * version with another checksum a CONFLICT, a lower version than one held SUPERSEDED; anything else
 * (including a re-drop of a rejected file) proceeds. `runsOfDate` are all runs of the manifest's date.
 */
export function admit<R extends RunOfDate>(
  manifest: { version: number },
  runId: string,
  runsOfDate: readonly R[],
): Admission<R> {
  const same = runsOfDate.find((r) => r.id === runId);
  if (same?.status === 'COMPLETED') return { kind: 'DUPLICATE', of: same };
  const higher = runsOfDate.find((r) => holdsDate(r) && r.version > manifest.version);
  if (higher) return { kind: 'SUPERSEDED', by: higher };
  const rival = runsOfDate.find((r) => holdsDate(r) && r.version === manifest.version && r.id !== runId);
  if (rival) return { kind: 'CONFLICT', with: rival };
  return same ? { kind: 'PROCEED', existing: same } : { kind: 'PROCEED' };
}

/** Whether a run of `version` must stop because a higher version of its date has been admitted. */
export function isOvertaken<R extends RunOfDate>(version: number, runsOfDate: readonly R[]): R | undefined {
  return runsOfDate.find((r) => holdsDate(r) && r.version > version);
}
