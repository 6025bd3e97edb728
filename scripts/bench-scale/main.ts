/**
 * `npm run bench:scale [-- options]`: what the design costs as the cohort grows (issue 13.7), figures
 * printed, never asserted. Per size, a fresh runtime on the virtual clock (built into `.local/bench-dist`,
 * started as a child process on free loopback ports, stopped at the end, also on an error or Ctrl+C) runs
 * the scenario of `scenario.ts`. Progress goes to stderr; stdout gets exactly one line per size:
 *
 *   scale-bench members=N wall_s=… episodes_per_member=… entity_ops_per_member=… timers_per_member=…
 *     held_member_episodes=… late_feed_member_episodes=… notify_lag_p99_s=… funnel_docs_read=…
 *     sweep_status_calls=…
 *
 * Options: --members 1000,10000 (sizes, run in turn) --held-share 0.01 --late-share 0.02 --held-days 30
 *          --late-days 3 --dist-dir .local/bench-dist (where the build goes) --skip-build
 *          --keep (keep data dirs and runtime.log)
 */
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadSettings } from '../../local/host/settings';
import { buildBenchDist, startBenchRuntime, stopAll } from '../bench-local/runtime';
import { fmt } from '../bench-local/util';
import { runScale, type ScaleResult } from './scenario';

const root = resolve(__dirname, '..', '..');
const t0 = Date.now();
const log = (line: string): void =>
  void process.stderr.write(`[bench ${((Date.now() - t0) / 1000).toFixed(1).padStart(6)} s] ${line}\n`);

const { values } = parseArgs({
  options: {
    members: { type: 'string', default: '1000,10000' },
    'held-share': { type: 'string', default: '0.01' },
    'late-share': { type: 'string', default: '0.02' },
    'held-days': { type: 'string', default: '30' },
    'late-days': { type: 'string', default: '3' },
    'dist-dir': { type: 'string', default: join('.local', 'bench-dist') },
    'skip-build': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  },
  strict: true,
});

function positive(name: string, text: string, max = Infinity): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0 || n > max)
    throw new Error(`--${name} must be a number in (0, ${max}]: ${text}`);
  return n;
}

const sizes = values.members.split(',').map((s) => {
  const n = positive('members', s.trim());
  if (!Number.isInteger(n) || n < 10) throw new Error(`--members: each size is a whole number ≥ 10: ${s}`);
  return n;
});
const heldShare = positive('held-share', values['held-share'], 0.5);
const lateShare = positive('late-share', values['late-share'], 0.5);
const heldDays = positive('held-days', values['held-days']);
const lateDays = positive('late-days', values['late-days']);
const distDir = resolve(root, values['dist-dir']);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    log(`${signal}: stopping the runtime`);
    void stopAll(values.keep).finally(() => process.exit(130));
  });
}

function summaryLine(r: ScaleResult): string {
  return [
    `scale-bench members=${r.members}`,
    `wall_s=${fmt(r.wallS)}`,
    `episodes_per_member=${fmt(r.episodesPerMember, 2)}`,
    `entity_ops_per_member=${fmt(r.entityOpsPerMember, 2)}`,
    `timers_per_member=${fmt(r.timersPerMember, 2)}`,
    `held_member_episodes=${r.heldMemberEpisodes}`,
    `late_feed_member_episodes=${r.lateFeedMemberEpisodes}`,
    `notify_lag_p99_s=${fmt(r.notifyLagP99S)}`,
    `funnel_docs_read=${r.funnelDocsRead}`,
    `sweep_status_calls=${r.sweepStatusCalls}`,
  ].join(' ');
}

async function main(): Promise<void> {
  if (!values['skip-build']) buildBenchDist(root, distDir, log);
  const settings: NodeJS.ProcessEnv = { ...process.env };
  loadSettings(root, settings);
  for (const members of sizes) {
    log(
      `host: ${cpus().length} cpus, load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    const rt = await startBenchRuntime({
      root,
      distDir,
      name: `scale-${members}`,
      clock: 'virtual=2026-11-25T00:00:00Z',
      log,
    });
    log(`runtime scale-${members} ready at ${rt.baseUrl} (data dir ${rt.dataDir})`);
    try {
      const r = await runScale(
        rt,
        {
          members,
          heldShare,
          lateShare,
          heldDays,
          lateDays,
          zone: settings['CAMPAIGN_TIME_ZONE'] ?? 'Australia/Sydney',
          feedStartDate: settings['CAMPAIGN_FEED_START_DATE'] ?? '2026-11-01',
          tag: Date.now().toString(36).toUpperCase(),
        },
        log,
      );
      log(`scale ${members}: totals ${JSON.stringify(r.totals)}`);
      log(
        `scale ${members}: funnel ${JSON.stringify(r.funnel)}; ${r.notifications} notification(s) on the decision night; ${r.waitingAtSweep} member(s) waiting at the sweep pass`,
      );
      await rt.stop(values.keep);
      console.log(summaryLine(r));
    } catch (error) {
      log(`scale ${members} failed; last runtime output:\n${rt.tail()}`);
      await rt.stop(true);
      throw error;
    }
  }
}

main().catch(async (error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  await stopAll(true);
  process.exit(1);
});
