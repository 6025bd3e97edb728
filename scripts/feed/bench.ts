/**
 * `npm run bench:feed`: generates realistic feed files under bench-out/ and measures, on the same file,
 * the parse → cohort filter → validate stage against a plain line-split read (node:readline), plus
 * an indexOf line split and a papaparse stage for reference. Each measurement runs in a fresh child
 * process, so its peak RSS is its own; the best of REPEATS runs counts (papaparse runs once).
 * Sizes: FEED_BENCH_ROWS (default 5000000,1000000: the last line is the 1,000,000-row file's).
 */
import { fork } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ensureFeedFile, type FeedShape } from './generate';
import { measure, STAGES, type Measurement, type Stage } from './measure';

const OUT = join(__dirname, '..', '..', 'bench-out');
const REPEATS = 3;

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

async function benchOne(rows: number): Promise<string> {
  const { path, shape } = await ensureFeedFile(OUT, rows);
  const best: Partial<Record<Stage, Measurement>> = {};
  let peak = 0;
  for (let r = 0; r < REPEATS; r++) {
    // papaparse is measured once: it only shows why the hand-written splitter was chosen.
    for (const stage of STAGES.filter((s) => r === 0 || s !== 'papaparse')) {
      const m = await inChild(stage, path, shape);
      console.log(
        `  ${stage.padEnd(9)} rows=${m.rows} ${m.seconds.toFixed(2)} s ${Math.round(m.rowsPerSecond)} rows/s campaign=${m.campaignRows} peak_rss_mb=${m.peakRssMb.toFixed(0)}`,
      );
      if (stage === 'stage') peak = Math.max(peak, m.peakRssMb);
      const prev = best[stage];
      if (!prev || m.rowsPerSecond > prev.rowsPerSecond) best[stage] = m;
    }
  }
  const x = best.stage?.rowsPerSecond ?? 0;
  const y = best.readline?.rowsPerSecond ?? 1;
  const rate = (s: Stage) => Math.round(best[s]?.rowsPerSecond ?? 0);
  console.log(
    `  best: stage ${rate('stage')}, papaparse stage ${rate('papaparse')}, readline ${rate('readline')}, indexOf split ${rate('indexof')} rows/s; stage/indexOf ratio ${(x / (best.indexof?.rowsPerSecond ?? 1)).toFixed(2)}`,
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
