import { parseFeedRow } from '../domain/feedRow';
import type { Observation } from '../domain/observation';
import { cohortIndexOf, type CohortIndex } from './cohort';
import { splitFields, type RecordSink } from './records';
import { emptyTally, type ChunkTally } from './runs';

export interface ClassifyRules {
  businessDate: string;
  version: number;
  maxAmountCents: number;
  cohort: ReadonlySet<string>;
}

/** A row that goes to the quarantine; `memberId` is set only when it is an enrolled member's row. */
export interface BadRow {
  line: number;
  code: string;
  detail: string;
  raw: string;
  memberId?: string;
  transactionId?: string;
}

/** An accepted observation and the line it came from (a ledger conflict quarantines that line). */
export interface LinedObservation {
  observation: Observation;
  line: number;
}

const RAW_LIMIT = 8192;

/**
 * A flat copy of `text`. V8 substrings point into their parent, so a kept field of one row would pin
 * the whole decoded read buffer (up to megabytes) for as long as the row is kept; copying the few
 * campaign rows keeps memory proportional to what is kept, not to what was read.
 */
function detach(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}

/**
 * Classifies records of one chunk: cohort filter first (for unquoted rows two `indexOf` and a hash
 * look-up of the member field in place, no allocation), the domain's `parseFeedRow` only for cohort rows. Collected observations are unique per
 * (transaction, status) within the chunk; every record read is counted exactly once in the tally.
 */
export class ChunkClassifier {
  readonly tally: ChunkTally = emptyTally();
  private observations: LinedObservation[] = [];
  private bad: BadRow[] = [];
  private readonly seen = new Set<string>();

  private readonly cohort: CohortIndex;

  constructor(private readonly rules: ClassifyRules) {
    this.cohort = cohortIndexOf(rules.cohort);
  }

  readonly onRecord: RecordSink = (s, start, end, line, quoted) => {
    this.tally.rowsRead += 1;
    if (!quoted) {
      // Fast path, ~95% of rows: member_id is the second field; look it up where it lies.
      const c1 = s.indexOf(',', start);
      if (c1 < 0 || c1 >= end) return this.notCampaign(s, start, end, line, undefined);
      const c2 = s.indexOf(',', c1 + 1);
      if (!this.cohort.has(s, c1 + 1, c2 < 0 || c2 > end ? end : c2)) {
        this.tally.ignored.NON_CAMPAIGN_MEMBER += 1;
        return;
      }
      return this.validate(detach(s.slice(start, end)).split(','), s, start, end, line);
    }
    // A quoted record is split in place; only a cohort row's fields are kept, so only then copied.
    const split = splitFields(s, start, end, true);
    if (!split.ok) return this.reject(line, 'ROW.CSV_QUOTING', split.detail, s.slice(start, end));
    const member = split.fields[1];
    if (member === undefined || !this.rules.cohort.has(member))
      return this.notCampaign(s, start, end, line, member);
    const kept = splitFields(detach(s.slice(start, end)), 0, end - start, true);
    this.validate(kept.ok ? kept.fields : split.fields, s, start, end, line);
  };

  /** Hands over what was collected since the last call (keeps memory flat on long streams). */
  drain(): { observations: LinedObservation[]; bad: BadRow[] } {
    const out = { observations: this.observations, bad: this.bad };
    this.observations = [];
    this.bad = [];
    return out;
  }

  private notCampaign(s: string, start: number, end: number, line: number, member: string | undefined): void {
    // Without a second field there is no member to filter on: the row is malformed for everyone.
    if (member === undefined)
      return this.reject(line, 'ROW.COLUMN_COUNT', 'fewer than 2 fields', s.slice(start, end));
    this.tally.ignored.NON_CAMPAIGN_MEMBER += 1;
  }

  private validate(fields: string[], s: string, start: number, end: number, line: number): void {
    this.tally.campaignRows += 1;
    const result = parseFeedRow(fields, this.rules);
    switch (result.kind) {
      case 'OBSERVATION': {
        const o = result.observation;
        const key = `${o.transactionId}|${o.status}`;
        if (this.seen.has(key)) {
          this.tally.duplicateRows += 1;
          return;
        }
        this.seen.add(key);
        this.tally.applied += 1;
        this.observations.push({ observation: o, line });
        return;
      }
      case 'IGNORED':
        this.tally.ignored[result.reason] += 1;
        return;
      case 'REJECTED':
        return this.reject(line, result.code, result.detail, s.slice(start, end), fields[1], fields[0]);
      default: {
        const never: never = result;
        throw new Error(`unhandled feed row result ${JSON.stringify(never)}`);
      }
    }
  }

  private reject(
    line: number,
    code: string,
    detail: string,
    raw: string,
    memberId?: string,
    transactionId?: string,
  ): void {
    this.tally.rejected += 1;
    this.bad.push({
      line,
      code,
      detail,
      raw: detach(raw.length > RAW_LIMIT ? raw.slice(0, RAW_LIMIT) : raw),
      ...(memberId !== undefined ? { memberId } : {}),
      ...(transactionId !== undefined ? { transactionId } : {}),
    });
  }
}
