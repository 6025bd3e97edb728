import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Exit code of `npm start` when another runtime already uses the data dir. */
export const EXIT_DATA_DIR_IN_USE = 4;

export class DataDirInUseError extends Error {
  constructor(dataDir: string, pid: number) {
    super(
      `data dir ${dataDir} is in use by the runtime with process id ${pid}: stop it, or pass another --data-dir`,
    );
    this.name = 'DataDirInUseError';
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Claims the data dir for this process: two runtimes on the same SQLite files would both deliver the same
 * queue messages. A lock left by a process that is gone (e.g. after `kill -9`) is taken over. Returns the
 * release function.
 */
export function lockDataDir(dataDir: string): () => void {
  const path = join(dataDir, 'runtime.pid');
  let holder: number | undefined;
  try {
    holder = Number(readFileSync(path, 'utf8').trim());
  } catch {
    holder = undefined;
  }
  if (holder && holder !== process.pid && alive(holder)) throw new DataDirInUseError(dataDir, holder);
  writeFileSync(path, String(process.pid));
  return () => rmSync(path, { force: true });
}
