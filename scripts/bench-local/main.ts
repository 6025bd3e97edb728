/**
 * `npm run bench:local [-- options]`: benchmarks of the local runtime (issue 5), figures printed, never
 * asserted. Builds the app and the runtime into `.local/bench-dist`, then per part starts the runtime as
 * a child process on free loopback ports with a fresh data dir under `.local/`, and stops it at the end
 * (also on an error or Ctrl+C).
 *
 *   (a) latency:  real clock; real-time message published → visible in GET /api/me/progress, p50/p99,
 *                 at a steady rate (default 200/s for 30 s after a 5 s ramp-up) over an enrolled cohort.
 *   (b) campaign: virtual clock; 1,000 members through a whole campaign; wall seconds and durable
 *                 actions per member, decisions and credits.
 *
 * Options: --part latency|campaign|all (all) --rate 200 --duration 30 --warmup 5 (s of ramp-up) --cohort 500
 *          --poll-ms 5 --poll-backoff 0.25 --timeout 60 (s until a message counts as missed) --members 1000 --skip-build --keep (keep data dirs and runtime.log)
 *          --node-arg=--cpu-prof --node-arg=--cpu-prof-dir=.local/prof (flags for the runtime process)
 */
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadSettings } from '../../local/host/settings';
import { runCampaign } from './campaign';
import { runLatency } from './latency';
import { buildBenchDist, startBenchRuntime, stopAll, type BenchRuntime } from './runtime';
import { fmt } from './util';

const root = resolve(__dirname, '..', '..');
const distDir = join(root, '.local', 'bench-dist');
const t0 = Date.now();
const log = (line: string): void =>
  void process.stdout.write(`[bench ${((Date.now() - t0) / 1000).toFixed(1).padStart(6)} s] ${line}\n`);

const { values } = parseArgs({
  options: {
    part: { type: 'string', default: 'all' },
    rate: { type: 'string', default: '200' },
    duration: { type: 'string', default: '30' },
    warmup: { type: 'string', default: '5' },
    cohort: { type: 'string', default: '500' },
    'poll-ms': { type: 'string', default: '5' },
    'poll-backoff': { type: 'string', default: '0.25' },
    members: { type: 'string', default: '1000' },
    timeout: { type: 'string', default: '60' },
    'skip-build': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    'node-arg': { type: 'string', multiple: true, default: [] },
  },
  strict: true,
});

let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    log(`${signal}: stopping the runtime`);
    void stopAll(values.keep).finally(() => process.exit(130));
  });
}

process.on('unhandledRejection', (error) => {
  console.error('unhandled rejection:', error);
  void stopAll(true).finally(() => process.exit(1));
});

async function withRuntime<T>(
  name: string,
  clock: string,
  body: (rt: BenchRuntime) => Promise<T>,
): Promise<T> {
  log(
    `host: ${cpus().length} cpus, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} (other processes share these cores)`,
  );
  const rt = await startBenchRuntime({ root, distDir, name, clock, log, nodeArgs: values['node-arg'] });
  log(`runtime ${name} ready at ${rt.baseUrl} (data dir ${rt.dataDir})`);
  try {
    const result = await body(rt);
    log(
      `${name} done; load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    await rt.stop(values.keep);
    return result;
  } catch (error) {
    log(`${name} failed; last runtime output:\n${rt.tail()}`);
    await rt.stop(true);
    if (existsSync(rt.dataDir)) log(`data dir kept: ${rt.dataDir}`);
    throw error;
  }
}

async function main(): Promise<void> {
  const part = values.part;
  if (!['all', 'latency', 'campaign'].includes(part))
    throw new Error(`--part must be latency, campaign or all`);
  if (!values['skip-build']) buildBenchDist(root, distDir, log);
  const settings: NodeJS.ProcessEnv = { ...process.env };
  loadSettings(root, settings);
  const tag = Date.now().toString(36).toUpperCase();
  const summary: string[] = [];

  if (part === 'all' || part === 'latency') {
    const r = await withRuntime('latency', 'real', (rt) =>
      runLatency(
        rt,
        {
          rate: Number(values.rate),
          durationS: Number(values.duration),
          warmupS: Number(values.warmup),
          cohort: Number(values.cohort),
          pollMs: Number(values['poll-ms']),
          pollBackoff: Number(values['poll-backoff']),
          timeoutMs: Number(values.timeout) * 1000,
          tag,
        },
        log,
      ),
    );
    log(
      `latency details: p90_ms=${fmt(r.p90)} max_ms=${fmt(r.max)} mean_ms=${fmt(r.mean)} polls_per_message=${fmt(r.pollsPerMessage, 2)} publish_p50_ms=${fmt(r.publishP50)} publish_p99_ms=${fmt(r.publishP99)} missed=${r.missed} runtime_main_thread_busy_pct=${fmt(r.runtimeBusyPct, 0)} runtime_cpu_pct_of_one_core=${fmt(r.runtimeCpuPct, 0)}`,
    );
    summary.push(
      `local-bench latency messages=${r.messages} rate=${fmt(r.achievedRate)}/s p50_ms=${fmt(r.p50)} p99_ms=${fmt(r.p99)} max_ms=${fmt(r.max)} missed=${r.missed} target_p99_ms=100`,
    );
  }

  if (part === 'all' || part === 'campaign') {
    const r = await withRuntime('campaign', 'virtual=2026-11-25T00:00:00Z', (rt) =>
      runCampaign(
        rt,
        {
          members: Number(values.members),
          zone: settings['CAMPAIGN_TIME_ZONE'] ?? 'Australia/Sydney',
          feedStartDate: settings['CAMPAIGN_FEED_START_DATE'] ?? '2026-11-01',
          tag,
        },
        log,
      ),
    );
    const o = r.orchestrationPerMember;
    log(`campaign totals: ${JSON.stringify(r.totals)}`);
    log(
      `campaign member orchestrations only, per member: episodes=${fmt(o.episodes, 2)} replayed_events=${fmt(o.replayedEvents, 1)} activities=${fmt(o.activities, 2)} timers=${fmt(o.timersFired, 2)}; max episodes of one member=${r.maxEpisodesOfOneMember}; member entity operations per member=${fmt(r.entityOpsOfMemberEntitiesPerMember, 2)}`,
    );
    log(
      `campaign outcomes: decisions=${JSON.stringify(r.decisions)} states=${JSON.stringify(r.states)} not_as_expected=${r.unexpected} qualified_with_exactly_one_credit=${r.qualifiedWithOneCredit}/${r.qualified} credits_of_non_qualified=${r.creditsOfNonQualified} members_with_several_credits=${r.membersWithSeveralCredits}`,
    );
    const p = r.perMember;
    summary.push(
      `local-bench campaign members=${r.members} wall_s=${fmt(r.wallS)} episodes_per_member=${fmt(p.episodes, 2)} replayed_events_per_member=${fmt(p.replayedEvents, 1)} entity_ops_per_member=${fmt(p.entityOperations, 2)} activities_per_member=${fmt(p.activities, 2)} timers_per_member=${fmt(p.timersFired, 2)} qualified=${r.qualified} credits=${r.credits} qualified_with_one_credit=${r.qualifiedWithOneCredit} target_episodes_per_member=25`,
    );
  }
  for (const line of summary) console.log(line);
}

main().catch(async (error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  await stopAll(true);
  process.exit(1);
});
