/**
 * Log lines written in batches: every trigger invocation logs a line, and a write per line to a pipe
 * costs a system call on the thread that runs the app. Lines are joined and written once per turn of the
 * event loop (or as soon as `maxBufferedChars` are waiting); `flush()` writes what waits at once, and runs
 * on process exit so an orderly stop or `process.exit` loses nothing. A `kill -9` may lose the lines of
 * the last turn, never state: the stores do not depend on the log.
 */
export function batchedLineWriter(
  write: (text: string) => void,
  maxBufferedChars = 64 * 1024,
): { line(text: string): void; flush(): void } {
  let pending: string[] = [];
  let chars = 0;
  let scheduled = false;
  const flush = (): void => {
    if (pending.length === 0) return;
    const text = pending.join('');
    pending = [];
    chars = 0;
    write(text);
  };
  const onExit = (): void => flush();
  process.on('exit', onExit);
  return {
    line(text) {
      pending.push(`${text}\n`);
      chars += text.length + 1;
      if (chars >= maxBufferedChars) flush();
      else if (!scheduled) {
        scheduled = true;
        setImmediate(() => {
          scheduled = false;
          flush();
        });
      }
    },
    flush,
  };
}
