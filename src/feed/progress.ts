/**
 * A progress line for long runs: done of total, rate since the start and the ETA at that rate. Pure
 * (times are passed in), so the orchestrator can call it with its replay-safe clock.
 */
export function progressLine(
  runId: string,
  done: number,
  total: number,
  startedMs: number,
  nowMs: number,
  unit = 'rows',
): string {
  const seconds = Math.max((nowMs - startedMs) / 1000, 0.001);
  const rate = done / seconds;
  const eta = rate > 0 ? `${Math.ceil((total - done) / rate)} s` : 'unknown';
  const pct = total === 0 ? 100 : Math.floor((done / total) * 100);
  return `feed ${runId} progress: ${done}/${total} ${unit} (${pct}%), ${Math.round(rate)} ${unit}/s, ETA ${eta}`;
}

/** Passes a stream through, calling `report` every `every` bytes (verification of a big file). */
export async function* withProgress(
  stream: AsyncIterable<Buffer>,
  every: number,
  report: (bytesDone: number) => void,
): AsyncGenerator<Buffer> {
  let done = 0;
  let next = every;
  for await (const bytes of stream) {
    done += bytes.length;
    if (done >= next) {
      report(done);
      next = done + every;
    }
    yield bytes;
  }
}
