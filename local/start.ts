import {
  AppEntryMissingError,
  AppLoadError,
  EXIT_APP_LOAD_FAILED,
  startRuntime,
  type RunningRuntime,
} from './host/runtime';
import { parseRuntimeOptions, readyLine, USAGE } from './host/options';
import { EXIT_PORT_IN_USE, PortInUseError } from './emulators/ports';
import { DataDirInUseError, EXIT_DATA_DIR_IN_USE } from './host/dataDirLock';
import { batchedLineWriter } from './host/logWriter';
import { wallClockMs } from './host/wallClock';

// wall time even in virtual-clock mode, where Date follows the virtual clock
const stamp = (): string => new Date(wallClockMs()).toISOString().slice(11, 23);
const out = batchedLineWriter((text) => void process.stdout.write(text));
const log = (line: string): void => out.line(`${stamp()} ${line}`);

/** `npm start`: the whole system on this machine; SIGINT/SIGTERM stop it cleanly, a second one forcibly. */
async function main(): Promise<void> {
  const options = parseRuntimeOptions(process.argv.slice(2), process.env);
  if (!options) {
    process.stdout.write(USAGE);
    return;
  }
  const runtime: RunningRuntime = await startRuntime(options, {
    rootDir: process.cwd(),
    env: process.env,
    log,
  });
  log(readyLine(runtime.host.port, options.dataDir));
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) {
      log(`${signal} again: exiting without waiting`);
      process.exit(1);
    }
    stopping = true;
    log(`${signal}: stopping (in-flight work finishes, queued work stays queued)`);
    runtime.stop().then(
      () => {
        log('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        log(`stop failed: ${err instanceof Error ? err.message : String(err)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  out.flush(); // the lines before the failure come before its message
  if (err instanceof PortInUseError) {
    process.stderr.write(`cannot start: ${err.message}\n`);
    process.exit(EXIT_PORT_IN_USE);
  }
  if (err instanceof DataDirInUseError) {
    process.stderr.write(`cannot start: ${err.message}\n`);
    process.exit(EXIT_DATA_DIR_IN_USE);
  }
  if (err instanceof AppEntryMissingError) {
    process.stderr.write(`cannot start: ${err.message}\n`);
    process.exit(2);
  }
  if (err instanceof AppLoadError) {
    process.stderr.write(`cannot start: ${err.message}\n`);
    process.exit(EXIT_APP_LOAD_FAILED);
  }
  process.stderr.write(`cannot start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  if (err instanceof Error && err.cause) process.stderr.write(`  cause: ${String(err.cause)}\n`);
  process.exit(1);
});
