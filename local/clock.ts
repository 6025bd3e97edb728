/**
 * The local runtime's only source of time. Real mode follows the wall clock; virtual mode lets tests
 * and benchmarks skip days in milliseconds while keeping cause and effect in order.
 */
export interface Clock {
  readonly mode: 'real' | 'virtual';
  /** Epoch milliseconds. */
  now(): number;
  /** Calls `fire` at `atMs` (at once if that time has passed); returns a cancel function. */
  setTimer(atMs: number, fire: () => Promise<void> | void): () => void;
  /** Registers a "wait until idle" hook: virtual time does not move on until every settler resolves. */
  addSettler(settle: () => Promise<void>): void;
}

/** A clock whose time only moves when told to. */
export interface VirtualClock extends Clock {
  /** Moves time forward by `ms`, firing every timer due on the way (see `advanceTo`). */
  advance(ms: number): Promise<void>;
  /**
   * Fires the timers due up to `atMs` strictly in time order (ties in registration order). Before each
   * firing and at the end it awaits every settler, so all work caused by one timer finishes before the
   * next one fires; `now()` equals each timer's time while it fires. Time never moves backwards.
   */
  advanceTo(atMs: number): Promise<void>;
}

// setTimeout stores its delay in a signed 32-bit integer; longer delays fire immediately.
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

function runDetached(fire: () => Promise<void> | void): void {
  void Promise.resolve()
    .then(fire)
    .catch((error: unknown) => process.stderr.write(`clock: timer callback failed: ${String(error)}\n`));
}

/** Wall-clock time; settlers are accepted but never awaited (nothing waits for idleness in real time). */
export function realClock(): Clock {
  return {
    mode: 'real',
    now: () => Date.now(),
    setTimer(atMs, fire) {
      let handle: NodeJS.Timeout | undefined;
      let cancelled = false;
      const arm = (): void => {
        const delay = atMs - Date.now();
        if (delay > MAX_TIMEOUT_MS) {
          handle = setTimeout(arm, MAX_TIMEOUT_MS);
          return;
        }
        handle = setTimeout(
          () => {
            if (!cancelled) runDetached(fire);
          },
          Math.max(0, delay),
        );
      };
      arm();
      return () => {
        cancelled = true;
        if (handle) clearTimeout(handle);
      };
    },
    addSettler: () => undefined,
  };
}

interface PendingTimer {
  atMs: number;
  seq: number;
  fire: () => Promise<void> | void;
}

/** A virtual clock starting at `startMs`; `persist` is told every new time (e.g. to survive a restart). */
export function virtualClock(startMs: number, persist?: (nowMs: number) => void): VirtualClock {
  let nowMs = startMs;
  let seq = 0;
  const timers: PendingTimer[] = [];
  const settlers: Array<() => Promise<void>> = [];
  // One advance at a time: a second caller waits for the first, so firings never interleave.
  let chain: Promise<void> = Promise.resolve();

  const moveTo = (atMs: number): void => {
    if (atMs > nowMs) {
      nowMs = atMs;
      persist?.(nowMs);
    }
  };
  const settleAll = async (): Promise<void> => {
    for (const settle of [...settlers]) await settle();
  };
  const nextDue = (limit: number): PendingTimer | undefined => {
    let best: PendingTimer | undefined;
    for (const t of timers) {
      if (t.atMs <= limit && (!best || t.atMs < best.atMs || (t.atMs === best.atMs && t.seq < best.seq)))
        best = t;
    }
    return best;
  };
  const run = async (atMs: number): Promise<void> => {
    for (;;) {
      await settleAll();
      const due = nextDue(atMs);
      if (!due) break;
      timers.splice(timers.indexOf(due), 1);
      moveTo(due.atMs);
      await due.fire();
    }
    moveTo(atMs);
    await settleAll();
  };
  const advanceTo = (atMs: number): Promise<void> => {
    const next = chain.then(() => run(atMs));
    chain = next.catch(() => undefined);
    return next;
  };

  return {
    mode: 'virtual',
    now: () => nowMs,
    setTimer(atMs, fire) {
      const timer: PendingTimer = { atMs, seq: seq++, fire };
      timers.push(timer);
      // A timer already due fires "at once": on the next turn, through the same ordered path.
      if (atMs <= nowMs) setImmediate(() => runDetached(() => advanceTo(nowMs)));
      return () => {
        const index = timers.indexOf(timer);
        if (index >= 0) timers.splice(index, 1);
      };
    },
    addSettler: (settle) => void settlers.push(settle),
    advance: (ms) => advanceTo(nowMs + ms),
    advanceTo,
  };
}
