import { createReadStream, type ReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { StringDecoder } from 'node:string_decoder';
import Papa from 'papaparse';
import { parseFeedRow } from '../../src/domain/feedRow';
import { ChunkClassifier } from '../../src/feed/classify';
import { cohortIndexOf } from '../../src/feed/cohort';
import { RecordSplitter } from '../../src/feed/records';
import { cohortMember } from './generate';

/**
 * Every stage reads the same file through the same kind of stream, {@link openFeed}: `fs.createReadStream`
 * with READ_CHUNK-byte reads, in a fresh process whose page cache already holds the file.
 * - `readline`: the plain line-split read, the baseline: `node:readline` over that stream (UTF-8
 *   decoding, LF / CRLF line ends), counting non-empty lines after the header.
 * - `indexof`: the fastest line split we could write (StringDecoder, indexOf + slice per line), for reference.
 * - `stage`: the pipeline's parse → cohort filter → validate over that stream, as `applyChunk` runs it:
 *   StringDecoder → RecordSplitter → ChunkClassifier (cohort filter, `parseFeedRow` for cohort rows),
 *   a fresh classifier per 50,000 rows, collected observations and bad rows drained per read.
 * - `papaparse`: the same stage with papaparse as the CSV parser, to justify the choice.
 */
export const STAGES = ['readline', 'indexof', 'stage', 'papaparse'] as const;
export type Stage = (typeof STAGES)[number];

export interface Measurement {
  stage: Stage;
  rows: number;
  seconds: number;
  rowsPerSecond: number;
  campaignRows: number;
  peakRssMb: number;
}

interface Job {
  path: string;
  cohortSize: number;
  businessDate: string;
}

/** A job whose cohort is loaded (and indexed), as an activity has it before its first chunk. */
interface LoadedJob extends Job {
  cohort: ReadonlySet<string>;
}

type Counts = { rows: number; campaignRows: number };

/** Bytes per read of every stage's stream (64 KiB, the fs default, about a blob download's chunk). */
export const READ_CHUNK = 1 << 16;

/** The one way every stage reads the file, so the baseline and the stage read the same bytes alike. */
const openFeed = (path: string): ReadStream => createReadStream(path, { highWaterMark: READ_CHUNK });
const cohortOf = (size: number) => new Set(Array.from({ length: size }, (_, i) => cohortMember(i)));

async function readline(job: LoadedJob): Promise<Counts> {
  let rows = -1;
  const lines = createInterface({
    input: openFeed(job.path),
    crlfDelay: Infinity,
  });
  for await (const line of lines) if (line.length > 0) rows += 1;
  return { rows, campaignRows: 0 };
}

async function indexOf(job: LoadedJob): Promise<Counts> {
  const decoder = new StringDecoder('utf8');
  let carry = '';
  let rows = -1;
  let chars = 0;
  for await (const buf of openFeed(job.path) as AsyncIterable<Buffer>) {
    const s = carry + decoder.write(buf);
    let pos = 0;
    for (let nl = s.indexOf('\n'); nl >= 0; nl = s.indexOf('\n', pos)) {
      chars += s.slice(pos, nl).length;
      rows += 1;
      pos = nl + 1;
    }
    carry = s.slice(pos);
  }
  if (carry.length > 0) rows += 1;
  return { rows: chars >= 0 ? rows : 0, campaignRows: 0 };
}

/** Rows per classifier, as in production: each chunk activity has its own (bounded) state. */
const CHUNK_ROWS = 50_000;

async function stage(job: LoadedJob): Promise<Counts> {
  const { cohort } = job;
  const fresh = () =>
    new ChunkClassifier({ businessDate: job.businessDate, version: 1, maxAmountCents: 100_000_000, cohort });
  let classifier = fresh();
  const total: Counts = { rows: 0, campaignRows: 0 };
  const close = () => {
    total.rows += classifier.tally.rowsRead;
    total.campaignRows += classifier.tally.campaignRows;
    classifier = fresh();
  };
  let header = true;
  const splitter = new RecordSplitter(1, (s, start, end, line, quoted) => {
    if (header) header = false;
    else classifier.onRecord(s, start, end, line, quoted);
    if (classifier.tally.rowsRead === CHUNK_ROWS) close();
  });
  const decoder = new StringDecoder('utf8');
  for await (const buf of openFeed(job.path) as AsyncIterable<Buffer>) {
    splitter.push(decoder.write(buf));
    classifier.drain();
  }
  splitter.push(decoder.end());
  if (splitter.end().unterminated) throw new Error(`${job.path} ends inside quotes`);
  close();
  return total;
}

async function papaparse(job: LoadedJob): Promise<Counts> {
  const { cohort } = job;
  const ctx = { businessDate: job.businessDate, version: 1, maxAmountCents: 100_000_000 };
  let rows = -1;
  let campaignRows = 0;
  const parser = openFeed(job.path).pipe(Papa.parse(Papa.NODE_STREAM_INPUT, { skipEmptyLines: true }));
  for await (const fields of parser as AsyncIterable<string[]>) {
    rows += 1;
    if (rows === 0 || !cohort.has(fields[1] ?? '')) continue;
    campaignRows += 1;
    parseFeedRow(fields, ctx);
  }
  return { rows, campaignRows };
}

const RUNNERS: Record<Stage, (job: LoadedJob) => Promise<Counts>> = {
  readline,
  indexof: indexOf,
  stage,
  papaparse,
};

/**
 * Runs one stage over a file in this process and reports its rate and the process's peak RSS. The
 * cohort is loaded and indexed before the clock starts (every stage alike): the activities load it once
 * per run per worker (`CohortCache`), not per chunk, so it is set-up like loading the code, not per-row
 * work. Everything else (ICU data on the first currency, JIT warm-up) is inside the measured time.
 */
export async function measure(which: Stage, job: Job): Promise<Measurement> {
  const cohort = cohortOf(job.cohortSize);
  cohortIndexOf(cohort);
  const started = process.hrtime.bigint();
  const result = await RUNNERS[which]({ ...job, cohort });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return {
    stage: which,
    ...result,
    seconds,
    rowsPerSecond: result.rows / seconds,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  };
}
