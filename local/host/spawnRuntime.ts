import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createLocalClient, type LocalClient } from '../cli/client';
import { pickFreePort } from '../emulators/ports';

/** The name in `local/package.json`. */
const RUNTIME_PACKAGE = '@cold-member/local-runtime';

export interface SpawnRuntimeOptions {
  dataDir: string;
  /** App entry (default: the runtime's default, `dist/src/index.js`). */
  app?: string;
  /** `real`, `virtual` or `virtual=<ISO>`. */
  clock?: string;
  /** Entity message delivery (`--delivery`, `--seed`); default fifo. */
  delivery?: RuntimeDelivery;
  /** More `start.ts` flags, e.g. `['--timer-min-interval', '1h']`. */
  args?: string[];
  env?: NodeJS.ProcessEnv;
  /** Run `dist/local/start.js` (after `npm run build`) instead of `local/start.ts` through tsx. */
  compiled?: boolean;
  rootDir?: string;
  /** The app's folder, where `host.json` and `local.settings.json` are read (default: `rootDir`). */
  appDir?: string;
  /** How long to wait for the `ready:` line (default 30 s). */
  readyTimeoutMs?: number;
}

/** A runtime in a child process, as `npm start` runs it, for end-to-end tests and benchmarks. */
export interface SpawnedRuntime {
  baseUrl: string;
  client: LocalClient;
  /** Everything the current process printed (stdout and stderr). */
  output(): string;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** SIGKILL: no shutdown code runs, as in a crash. */
  kill9(): Promise<void>;
  /** SIGTERM and wait; resolves the exit code. */
  stop(): Promise<number | null>;
  /** Starts a new process on the same ports and data dir (after `kill9` or `stop`). */
  restart(): Promise<void>;
}

function waitForOutput(
  child: ChildProcessWithoutNullStreams,
  read: () => string,
  pattern: RegExp,
  timeoutMs: number,
): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const done = (err?: Error): void => {
      clearTimeout(timer);
      child.stdout.off('data', check);
      child.stderr.off('data', check);
      child.off('exit', exited);
      if (err) reject(err);
      else resolvePromise();
    };
    const check = (): void => {
      if (pattern.test(read())) done();
    };
    const exited = (): void => done(new Error(`runtime exited before printing ${pattern}:\n${read()}`));
    const timer = setTimeout(
      () => done(new Error(`timed out after ${timeoutMs} ms waiting for ${pattern}:\n${read()}`)),
      timeoutMs,
    );
    child.stdout.on('data', check);
    child.stderr.on('data', check);
    child.once('exit', exited);
    check();
  });
}

/**
 * The app's folder: the nearest package.json above this file that is not the runtime's own package
 * (`local/package.json`); works from `local/host` (tsx, Jest) and `dist/local/host`.
 */
function projectRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && !isRuntimePackage(manifest)) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

function isRuntimePackage(manifest: string): boolean {
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === RUNTIME_PACKAGE;
}

/** The `npm start` flags for a delivery mode. */
export type RuntimeDelivery = { mode: 'fifo' } | { mode: 'adversarial'; seed: number };

export function deliveryArgs(delivery: RuntimeDelivery | undefined): string[] {
  if (!delivery || delivery.mode === 'fifo') return [];
  return ['--delivery', 'adversarial', '--seed', String(delivery.seed)];
}

/**
 * Starts the whole runtime in a child process on free loopback ports chosen once, so a restart after
 * `kill9()` finds its emulators and the app's stored URLs where they were. Resolves when it is ready.
 */
export async function spawnRuntime(opts: SpawnRuntimeOptions): Promise<SpawnedRuntime> {
  const root = opts.rootDir ?? projectRoot(__dirname);
  const [port, azurite, cosmos, points] = [
    await pickFreePort(),
    await pickFreePort(),
    await pickFreePort(),
    await pickFreePort(),
  ];
  const args = [
    ...(opts.app ? ['--app', opts.app] : []),
    ...['--data-dir', opts.dataDir, '--clock', opts.clock ?? 'real'],
    ...[
      '--port',
      String(port),
      '--azurite-port',
      String(azurite),
      '--cosmos-port',
      String(cosmos),
      '--points-port',
      String(points),
    ],
    ...deliveryArgs(opts.delivery),
    ...(opts.args ?? []),
  ];
  const entry = opts.compiled
    ? [join(root, 'dist/local/start.js')]
    : ['--import', 'tsx', join(root, 'local/start.ts')];
  let child!: ChildProcessWithoutNullStreams;
  let out = '';
  const launch = async (): Promise<void> => {
    out = '';
    child = spawn(process.execPath, [...entry, ...args], {
      cwd: opts.appDir ?? root,
      env: { ...process.env, ...opts.env },
    });
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    await waitForOutput(child, () => out, /ready: /, opts.readyTimeoutMs ?? 30_000);
  };
  const exit = (): Promise<number | null> =>
    child.exitCode !== null || child.signalCode !== null
      ? Promise.resolve(child.exitCode)
      : new Promise((r) => child.once('exit', (code) => r(code)));
  await launch();
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    baseUrl,
    client: createLocalClient({ baseUrl, dataDir: opts.dataDir }),
    output: () => out,
    waitFor: (pattern, timeoutMs = 20_000) => waitForOutput(child, () => out, pattern, timeoutMs),
    async kill9() {
      child.kill('SIGKILL');
      await exit();
    },
    async stop() {
      child.kill('SIGTERM');
      return exit();
    },
    restart: launch,
  };
}
