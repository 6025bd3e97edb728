/**
 * `npm run bench:feed`: generates realistic feed files under bench-out/ and measures, on the same file,
 * the parse → cohort filter → validate stage against a plain line-split read (node:readline), plus
 * an indexOf line split and a papaparse stage for reference. Every stage reads the file through the
 * same stream (`fs.createReadStream`, 64 KiB reads: see measure.ts). Each measurement runs in a fresh
 * child process, so its peak RSS is its own; the stages alternate within each of REPEATS rounds
 * (FEED_BENCH_REPEATS, default 5; papaparse runs once), so background load hits them alike. The
 * summary line takes each stage's best round; min / median / max and the per-round ratios show the spread.
 * Sizes: FEED_BENCH_ROWS (default 5000000,1000000: the last line is the 1,000,000-row file's).
 */
import { fork } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { ensureFeedFile, type FeedShape } from './generate';
import { measure, STAGES, type Measurement, type Stage } from './measure';

const OUT = join(__dirname, '..', '..', 'bench-out');
const REPEATS = Number(process.env.FEED_BENCH_REPEATS ?? 5);

function inChild(stage: Stage, path: string, shape: FeedShape): Promise<Measurement> {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, ['--measure', stage, path, String(shape.cohortSize), shape.businessDate], {
      execArgv: process.execArgv,
    });
    child.once('message', (m) => resolve(m as Measurement));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? undefined : reject(new Error(`measure ${stage} exited ${code}`)),
    );
  });
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};
const k = (rate: number): string => `${Math.round(rate / 1000)}k`;
const load = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

async function benchOne(rows: number): Promise<string> {
  const { path, shape } = await ensureFeedFile(OUT, rows);
  const runs: Partial<Record<Stage, Measurement[]>> = {};
  const ratios: number[] = [];
  console.log(`  load average before: ${load()}`);
  for (let r = 0; r < REPEATS; r++) {
    const round: Partial<Record<Stage, Measurement>> = {};
    // papaparse is measured once: it only shows why the hand-written splitter was chosen.
    for (const stage of STAGES.filter((s) => r === 0 || s !== 'papaparse')) {
      const m = await inChild(stage, path, shape);
      console.log(
        `  ${stage.padEnd(9)} rows=${m.rows} ${m.seconds.toFixed(2)} s ${Math.round(m.rowsPerSecond)} rows/s campaign=${m.campaignRows} peak_rss_mb=${m.peakRssMb.toFixed(0)}`,
      );
      (runs[stage] ??= []).push(m);
      round[stage] = m;
    }
    if (round.stage && round.readline) {
      if (round.stage.rows !== round.readline.rows)
        throw new Error(
          `stage read ${round.stage.rows} rows, readline ${round.readline.rows}: not the same input`,
        );
      ratios.push(round.stage.rowsPerSecond / round.readline.rowsPerSecond);
    }
  }
  console.log(`  load average after: ${load()}`);
  const rates = (s: Stage) => (runs[s] ?? []).map((m) => m.rowsPerSecond);
  const best = (s: Stage) => Math.max(0, ...rates(s));
  for (const s of STAGES) {
    const xs = rates(s);
    if (xs.length === 0) continue;
    console.log(
      `  ${s.padEnd(9)} rows/s over ${xs.length} run(s): min ${k(Math.min(...xs))} median ${k(median(xs))} max ${k(Math.max(...xs))}`,
    );
  }
  const x = best('stage');
  const y = best('readline') || 1;
  const peak = Math.max(0, ...(runs.stage ?? []).map((m) => m.peakRssMb));
  console.log(
    `  stage/readline ratio: best/best ${(x / y).toFixed(2)}, median/median ${(median(rates('stage')) / (median(rates('readline')) || 1)).toFixed(2)}, ` +
      `per round ${ratios.map((r) => r.toFixed(2)).join(' ')}; stage/indexOf best/best ${(x / (best('indexof') || 1)).toFixed(2)}; ` +
      `papaparse stage ${k(best('papaparse'))} rows/s`,
  );
  return `feed-bench rows=${rows} stage_rows_per_s=${Math.round(x)} linesplit_rows_per_s=${Math.round(y)} ratio=${(x / y).toFixed(2)} peak_rss_mb=${peak.toFixed(0)}`;
}

async function main(): Promise<void> {
  const [flag, stage, path, cohortSize, businessDate] = process.argv.slice(2);
  if (flag === '--measure' && stage && path && cohortSize && businessDate) {
    const m = await measure(stage as Stage, { path, cohortSize: Number(cohortSize), businessDate });
    process.send?.(m);
    return;
  }
  mkdirSync(OUT, { recursive: true });
  console.log(
    'linesplit (baseline) = node:readline over fs.createReadStream(file, highWaterMark 64 KiB): UTF-8 decode, ' +
      'LF/CRLF line split, non-empty lines counted (header excluded). stage = the same stream → StringDecoder → ' +
      'RecordSplitter (RFC 4180) → ChunkClassifier (cohort filter on member_id, parseFeedRow for cohort rows), ' +
      `a fresh classifier per 50,000 rows. Rows/s = data rows / wall seconds of the read loop, best of ${REPEATS} ` +
      'alternating rounds (the cohort of 20,000 is loaded and indexed before the clock starts, as an activity ' +
      'has it before its first chunk); peak RSS = the largest maxRSS of the stage processes.',
  );
  const sizes = (process.env.FEED_BENCH_ROWS ?? '5000000,1000000').split(',').map(Number);
  const lines: string[] = [];
  for (const rows of sizes) {
    console.log(`rows=${rows}`);
    lines.push(await benchOne(rows));
  }
  // Every size's summary, the last line being the last size's (1,000,000 rows by default).
  for (const line of lines) console.log(line);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
