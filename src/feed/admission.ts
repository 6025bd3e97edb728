import type { Manifest } from './manifest';
import type { FeedRun } from './runs';

export type Admission =
  | { kind: 'PROCEED'; existing?: FeedRun }
  | { kind: 'DUPLICATE'; of: FeedRun }
  | { kind: 'CONFLICT'; with: FeedRun }
  | { kind: 'SUPERSEDED'; by: FeedRun };

/** Runs that hold (or are applying) a business date's observations. */
const holdsDate = (run: FeedRun): boolean => run.status === 'COMPLETED' || run.status === 'APPLYING';

/**
 * SPEC §3 Corrections, decided before any byte is read: the same file again is a DUPLICATE, the same
 * version with another checksum a CONFLICT, a lower version than one held SUPERSEDED; anything else
 * (including a re-drop of a rejected file) proceeds. `runsOfDate` are all runs of the manifest's date.
 */
export function admit(
  manifest: Pick<Manifest, 'version'>,
  runId: string,
  runsOfDate: readonly FeedRun[],
): Admission {
  const same = runsOfDate.find((r) => r.id === runId);
  if (same?.status === 'COMPLETED') return { kind: 'DUPLICATE', of: same };
  const higher = runsOfDate.find((r) => holdsDate(r) && r.version > manifest.version);
  if (higher) return { kind: 'SUPERSEDED', by: higher };
  const rival = runsOfDate.find((r) => holdsDate(r) && r.version === manifest.version && r.id !== runId);
  if (rival) return { kind: 'CONFLICT', with: rival };
  return same ? { kind: 'PROCEED', existing: same } : { kind: 'PROCEED' };
}

/** Whether a run of `version` must stop because a higher version of its date has been admitted. */
export function isOvertaken(version: number, runsOfDate: readonly FeedRun[]): FeedRun | undefined {
  return runsOfDate.find((r) => holdsDate(r) && r.version > version);
}
