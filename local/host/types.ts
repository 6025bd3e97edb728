/**
 * The parts of the clock and durable engine the host relies on. Declared structurally here so the host
 * compiles and is tested without `local/clock.ts` and `local/durable/`; their real types satisfy these.
 */
export interface HostClock {
  readonly mode: 'real' | 'virtual';
  now(): number;
  /** Calls `fire` once at `atMs` (clock time); the returned function cancels it. */
  setTimer(atMs: number, fire: () => Promise<void> | void): () => void;
  /** In virtual mode, `advance` awaits every settler between timer firings so work completes in order. */
  addSettler(settle: () => Promise<void>): void;
}

/** A clock that can be moved on by the admin API (virtual mode). */
export interface AdvanceableClock extends HostClock {
  advance(ms: number): Promise<void>;
}

export interface HostDurableEngine {
  clientInputData(): Record<string, unknown>;
  handleWebhook(req: {
    method: string;
    /** The part after `/runtime/webhooks/durabletask/`. */
    path: string;
    query: URLSearchParams;
    body: string;
    headers?: Record<string, string | undefined>;
  }): Promise<{
    status: number;
    headers?: Record<string, string>;
    body?: string;
  }>;
  whenIdle(): Promise<void>;
  stats?(): unknown;
}

/** One readable line per event; the host never writes to stdout directly. */
export type LogLine = (line: string) => void;

export function isAdvanceable(clock: HostClock): clock is AdvanceableClock {
  return typeof (clock as Partial<AdvanceableClock>).advance === 'function';
}
