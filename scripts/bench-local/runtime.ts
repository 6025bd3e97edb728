import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createLocalClient, type LocalClient } from '../../local/cli/client';
import { pickFreePort } from '../../local/emulators/ports';

/** The compiled runtime (`.local/bench-dist`) in a child process on free loopback ports. */
export interface BenchRuntime {
  baseUrl: string;
  pointsUrl: string;
  dataDir: string;
  client: LocalClient;
  /** The last lines the runtime printed. */
  tail(lines?: number): string;
  /** SIGTERM (then SIGKILL after 15 s); removes the data dir unless `keep`. */
  stop(keep?: boolean): Promise<void>;
}

const live = new Set<BenchRuntime>();

/** Compiles the app and the runtime into `distDir` (the benchmarks run the compiled code). */
export function buildBenchDist(root: string, distDir: string, log: (line: string) => void): void {
  log(`building: tsc -p tsconfig.build.json --outDir ${relative(root, distDir)}`);
  execFileSync(
    process.execPath,
    [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', distDir],
    { cwd: root, stdio: 'inherit' },
  );
}

/** Stops every runtime this process started (used on error, SIGINT and SIGTERM). */
export async function stopAll(keep = false): Promise<void> {
  await Promise.all([...live].map((r) => r.stop(keep)));
}

export async function startBenchRuntime(opts: {
  root: string;
  distDir: string;
  name: string;
  clock: string;
  args?: string[];
  /** Node flags for the runtime process, e.g. `--cpu-prof`. */
  nodeArgs?: string[];
  log: (line: string) => void;
}): Promise<BenchRuntime> {
  const dataDir = join(opts.root, '.local', `bench-local-${process.pid}-${opts.name}`);
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const [port, azurite, cosmos, points] = [
    await pickFreePort(),
    await pickFreePort(),
    await pickFreePort(),
    await pickFreePort(),
  ];
  const entry = join(opts.distDir, 'local', 'start.js');
  const app = join(opts.distDir, 'src', 'index.js');
  if (!existsSync(entry) || !existsSync(app)) throw new Error(`build output missing in ${opts.distDir}`);
  const args = [
    ...(opts.nodeArgs ?? []),
    entry,
    ...['--app', app, '--data-dir', dataDir, '--clock', opts.clock],
    ...['--port', String(port), '--azurite-port', String(azurite)],
    ...['--cosmos-port', String(cosmos), '--points-port', String(points)],
    ...(opts.args ?? []),
  ];
  opts.log(`starting runtime (${opts.name}): node ${args.map((a) => relative(opts.root, a) || a).join(' ')}`);
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: opts.root,
    // LOCAL_* would override the flags' defaults we rely on; the ports and dirs are given as flags
    env: { ...process.env, POINTS_API_URL: `http://127.0.0.1:${points}` },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logFile = createWriteStream(join(dataDir, 'runtime.log'));
  child.stdout?.pipe(logFile);
  const ring: string[] = [];
  let partial = '';
  let readyResolve!: () => void;
  let readyReject!: (e: Error) => void;
  const ready = new Promise<void>((res, rej) => ((readyResolve = res), (readyReject = rej)));
  const onData = (chunk: Buffer): void => {
    const text = partial + chunk.toString('utf8');
    const lines = text.split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      ring.push(line);
      if (ring.length > 300) ring.shift();
      if (/ ready: /.test(line)) readyResolve();
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
  void exited.then((code) => readyReject(new Error(`runtime exited (code ${code}) before ready`)));
  const tail = (n = 40): string => ring.slice(-n).join('\n');
  let stopped: Promise<void> | undefined;
  const runtime: BenchRuntime = {
    baseUrl: `http://127.0.0.1:${port}`,
    pointsUrl: `http://127.0.0.1:${points}`,
    dataDir,
    client: createLocalClient({ baseUrl: `http://127.0.0.1:${port}`, dataDir }),
    tail,
    stop(keep = false) {
      stopped ??= (async () => {
        live.delete(runtime);
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGTERM');
          const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
          await exited;
          clearTimeout(killer);
        }
        if (!keep) rmSync(dataDir, { recursive: true, force: true });
      })();
      return stopped;
    },
  };
  live.add(runtime);
  const timeout = setTimeout(() => readyReject(new Error('runtime not ready after 60 s')), 60_000);
  try {
    await ready;
  } catch (error) {
    await runtime.stop(true);
    throw new Error(`${(error as Error).message}; data dir kept: ${dataDir}\n${tail()}`);
  } finally {
    clearTimeout(timeout);
  }
  return runtime;
}
