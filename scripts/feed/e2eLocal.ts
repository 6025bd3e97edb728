/**
 * `npm run bench:feed:e2e -- --local [rows] [cohort]`: one feed file through the real local runtime, as
 * `npm start` runs it (child process `node <dist>/local/start.js --clock virtual=...`: Azurite, the
 * durable Cosmos emulator, the durable engine, the blob trigger). The app is compiled once with
 * `tsc -p tsconfig.build.json --outDir .local/feed-e2e-dist` (skip with FEED_E2E_SKIP_BUILD=1); a fresh
 * data dir under .local/ is used and removed. Steps: enrol the cohort through `POST /api/enrolments`,
 * wait idle, drop the file with the admin API (`POST /_local/feeds`: data blob, then manifest), wait
 * idle, then read `GET /_local/durable/stats` (difference over the feed) and the run report from
 * `GET /api/ops/feeds/{date}` (ops token).
 *
 * `cosmos_docs_read` is the documents the emulator served during the feed (`GET /_local/cosmos/stats`):
 * the cohort read (every enrolment before issue 13.5, the cohort snapshot's shards after), the ledger's
 * reads for merges, checkpoints and run documents.
 * Cosmos writes are not counted by the emulator; they are derived from the report as the pipeline makes
 * them: one ledger merge per applied observation, one quarantine document per rejected row, one
 * checkpoint per chunk, plus the run document's writes (admission, plan, completion) and the watermark.
 */
import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createLocalClient, type Reply } from '../../local/cli/client';
import type { DurableCounters, DurableStats } from '../../local/durable/counters';
import { pickFreePort } from '../../local/emulators/ports';
import { cohortMember, ensureFeedFile } from './generate';

const ROOT = join(__dirname, '..', '..');
const DIST = join(ROOT, '.local', 'feed-e2e-dist');

function ok(reply: Reply, what: string): Reply {
  if (reply.status >= 300) throw new Error(`${what}: HTTP ${reply.status} ${reply.text.slice(0, 500)}`);
  return reply;
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i] as T);
    }),
  );
  return out;
}

const diff = (a: DurableCounters, b: DurableCounters): DurableCounters => ({
  episodes: b.episodes - a.episodes,
  replayedEvents: b.replayedEvents - a.replayedEvents,
  activities: b.activities - a.activities,
  entityOperations: b.entityOperations - a.entityOperations,
  entityBatches: b.entityBatches - a.entityBatches,
  entityBatchFailures: b.entityBatchFailures - a.entityBatchFailures,
  entityMessagesOvertaking: b.entityMessagesOvertaking - a.entityMessagesOvertaking,
  entityMessagesRedelivered: b.entityMessagesRedelivered - a.entityMessagesRedelivered,
  timersFired: b.timersFired - a.timersFired,
  statusQueries: b.statusQueries - a.statusQueries,
  entityStateReads: b.entityStateReads - a.entityStateReads,
});

interface FeedReport {
  rowsRead: number;
  campaignRows: number;
  applied: number;
  duplicateRows: number;
  ignored: Record<string, number>;
  rejected: { count: number };
}

/** `GET /_local/cosmos/stats`: documents served (a point read one, a query its items). */
interface CosmosReads {
  documentsRead: number;
}

export async function runLocalE2e(rows: number, cohortSize: number): Promise<void> {
  const t0 = performance.now();
  const secondsSince = (t: number) => ((performance.now() - t) / 1000).toFixed(1);
  if (process.env.FEED_E2E_SKIP_BUILD !== '1') {
    execFileSync(
      process.execPath,
      [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json', '--outDir', DIST],
      { cwd: ROOT, stdio: 'inherit' },
    );
    console.log(`built ${DIST} in ${secondsSince(t0)} s`);
  }
  const { path, shape } = await ensureFeedFile(join(ROOT, 'bench-out'), rows, { cohortSize });
  const date = shape.businessDate;
  const dataDir = join(ROOT, '.local', `feed-e2e-${process.pid}`);
  mkdirSync(dataDir, { recursive: true });
  const ports = [await pickFreePort(), await pickFreePort(), await pickFreePort(), await pickFreePort()];
  const [port, azurite, cosmos, points] = ports.map(String) as [string, string, string, string];
  const child = spawn(
    process.execPath,
    [
      join(DIST, 'local', 'start.js'),
      ...['--app', join(DIST, 'src', 'index.js'), '--data-dir', dataDir],
      // late on the business date (Sydney, +11:00 in November): every row's instant is in the past
      ...['--clock', `virtual=${date}T23:30:00+11:00`, '--port', port],
      ...['--azurite-port', azurite, '--cosmos-port', cosmos, '--points-port', points],
    ],
    { cwd: ROOT, env: process.env },
  );
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString('utf8')));
  child.stderr.on('data', (b: Buffer) => (out += b.toString('utf8')));
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        if (/ready: /.test(out)) {
          clearInterval(timer);
          resolve();
        }
      }, 100);
      child.once('exit', (code) => {
        clearInterval(timer);
        reject(new Error(`runtime exited (${code}) before it was ready:\n${out}`));
      });
    });
    const client = createLocalClient({ baseUrl: `http://127.0.0.1:${port}`, dataDir });
    const idle = async (what: string): Promise<void> => {
      for (;;) {
        const reply = await client.admin('GET', '/_local/idle?timeoutMs=60000');
        if (reply.status === 200) return;
        if (reply.status !== 503) throw new Error(`${what}: idle answered ${reply.status} ${reply.text}`);
      }
    };
    console.log(`runtime ready in ${secondsSince(t0)} s (data dir ${dataDir})`);

    const enrolledAt = `${date}T00:00:00+11:00`;
    const enrolToken = await client.token({ enrolment: true });
    const tEnrol = performance.now();
    let retried = 0;
    await mapLimit(
      Array.from({ length: cohortSize }, (_, i) => cohortMember(i)),
      16,
      async (memberId) => {
        // the API answers 500 "safe to retry" on a transient emulator fault; enrolment is idempotent
        for (let attempt = 1; ; attempt++) {
          const reply = await client.api('POST', '/api/enrolments', {
            token: enrolToken,
            body: { memberId, enrolledAt },
          });
          if ((reply.status < 500 && reply.status !== 429) || attempt === 5)
            return ok(reply, `enrolment of ${memberId}`);
          retried += 1;
          await new Promise((resolve) => setTimeout(resolve, 250 * attempt));
        }
      },
    );
    await idle('enrolment');
    const enrolSeconds = (performance.now() - tEnrol) / 1000;
    console.log(`enrolled ${cohortSize} members in ${enrolSeconds.toFixed(1)} s (${retried} retried)`);

    const before = ok(await client.admin('GET', '/_local/durable/stats'), 'stats').body as DurableStats;
    const cosmosBefore = ok(await client.admin('GET', '/_local/cosmos/stats'), 'cosmos stats')
      .body as CosmosReads;
    const csv = readFileSync(path, 'utf8');
    const tFeed = performance.now();
    const drop = ok(await client.admin('POST', '/_local/feeds', { businessDate: date, csv }), 'feed drop');
    const dropSeconds = (performance.now() - tFeed) / 1000;
    await idle('feed');
    const totalSeconds = (performance.now() - tFeed) / 1000;
    const after = ok(await client.admin('GET', '/_local/durable/stats'), 'stats').body as DurableStats;
    const cosmosAfter = ok(await client.admin('GET', '/_local/cosmos/stats'), 'cosmos stats')
      .body as CosmosReads;
    const cosmosDocsRead = cosmosAfter.documentsRead - cosmosBefore.documentsRead;
    const ops = await client.token({ ops: true });
    const feed = ok(await client.api('GET', `/api/ops/feeds/${date}`, { token: ops }), 'feed report')
      .body as { current: (FeedReport & { status: string }) | null };
    // The completed run carries its report's counts (openapi FeedRunReport); its chunks are the file's
    // rows in FEED_CHUNK_ROWS (50,000 in the sample settings the runtime starts with).
    const report = feed.current;
    if (!report) throw new Error(`no report for ${date}: ${JSON.stringify(feed).slice(0, 500)}`);
    const run = { status: report.status, chunks: Math.ceil(rows / 50_000) };
    const work = diff(before.total, after.total);
    const campaign = report.campaignRows;
    const ledgerMerges = report.applied;
    const cosmosWrites = ledgerMerges + report.rejected.count + run.chunks + 4;
    const per = (n: number) => (campaign === 0 ? 0 : n / campaign).toFixed(3);
    console.log(
      JSON.stringify({
        drop: drop.body,
        status: run.status,
        chunks: run.chunks,
        report: { ...report, rejected: report.rejected.count },
        durable: work,
      }),
    );
    console.log(
      `feed-e2e-local rows=${rows} cohort=${cohortSize} campaign_rows=${campaign} status=${run.status} ` +
        `drop_s=${dropSeconds.toFixed(1)} total_s=${totalSeconds.toFixed(1)} rows_per_s=${Math.round(rows / totalSeconds)} ` +
        `cosmos_writes_per_campaign_row=${per(cosmosWrites)} (derived) entity_ops_per_campaign_row=${per(work.entityOperations)} ` +
        `activities=${work.activities} orchestrator_episodes=${work.episodes} enrol_s=${enrolSeconds.toFixed(1)} ` +
        `cosmos_docs_read=${cosmosDocsRead}`,
    );
  } catch (error) {
    console.error(`runtime output (last 3000 characters):\n${out.slice(-3000)}`);
    throw error;
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)));
    rmSync(dataDir, { recursive: true, force: true });
  }
}
