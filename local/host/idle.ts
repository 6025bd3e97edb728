/**
 * Resolves waiters once `isIdle()` holds. Owners call `check()` after every state change; waiting never
 * polls, so a virtual-clock `advance` that awaits it costs nothing when there is no work.
 */
export class IdleSignal {
  private waiters: (() => void)[] = [];

  constructor(private readonly isIdle: () => boolean) {}

  check(): void {
    if (this.waiters.length === 0 || !this.isIdle()) return;
    const ready = this.waiters;
    this.waiters = [];
    ready.forEach((resolve) => resolve());
  }

  wait(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}

export interface IdleSource {
  whenIdle(): Promise<void>;
  isIdle?(): boolean;
}

/**
 * Resolves true once every source is idle twice in a row (work finishing in one source, e.g. an
 * activity publishing to a queue, can start work in another), or false after `timeoutMs`.
 */
export async function waitUntilIdle(sources: IdleSource[], timeoutMs: number): Promise<boolean> {
  let timedOut = false;
  const settle = async (): Promise<boolean> => {
    for (let stable = 0; stable < 2 && !timedOut;) {
      await Promise.all(sources.map((s) => s.whenIdle()));
      await new Promise((r) => setImmediate(r));
      stable = sources.every((s) => s.isIdle?.() ?? true) ? stable + 1 : 0;
    }
    return !timedOut;
  };
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => {
      timedOut = true;
      resolve(false);
    }, timeoutMs);
  });
  const result = await Promise.race([settle(), timeout]);
  clearTimeout(timer);
  return result;
}
