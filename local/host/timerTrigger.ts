import type { RegisteredFunction } from '../functionsCore';
import type { Invoker } from './invoke';
import { nextOccurrence, parseNcrontab, type CronSchedule } from './ncrontab';
import { resolveSetting } from './settings';
import type { Db } from './sqlite';
import type { HostClock, LogLine } from './types';

export interface TimerTriggerOptions {
  db: Db;
  invoker: Invoker;
  clock: HostClock;
  log: LogLine;
  /**
   * Virtual mode only: the least clock time between two firings of one timer, so advancing 31 days does
   * not run a 10-second schedule 267,840 times. 0 keeps every occurrence.
   */
  virtualMinIntervalMs?: number;
  env?: NodeJS.ProcessEnv;
}

interface Scheduled {
  fn: RegisteredFunction;
  schedule: CronSchedule;
  runOnStartup: boolean;
  cancel?: () => void;
}

interface Status {
  last: number | null;
  next: number | null;
  lastUpdated: number;
}

const iso = (ms: number | null): string | undefined => (ms === null ? undefined : new Date(ms).toISOString());

/**
 * Runs `timerTrigger` functions on the host clock, with the schedule status kept in SQLite as the
 * host keeps it in storage: an occurrence missed while stopped fires once, with `isPastDue: true`.
 */
export class TimerTriggers {
  private readonly timers: Scheduled[];
  private stopped = false;
  private readonly running = new Set<Promise<void>>();

  constructor(
    functions: RegisteredFunction[],
    private readonly opts: TimerTriggerOptions,
  ) {
    opts.db.exec(
      `CREATE TABLE IF NOT EXISTS timer_status (function TEXT PRIMARY KEY, last INTEGER, next INTEGER, last_updated INTEGER NOT NULL)`,
    );
    this.timers = functions.map((fn) => ({
      fn,
      schedule: parseNcrontab(resolveSetting(String(fn.trigger['schedule'] ?? ''), opts.env)),
      runOnStartup: fn.trigger['runOnStartup'] === true,
    }));
  }

  start(): void {
    const now = this.opts.clock.now();
    // an advance of the virtual clock waits for start-up invocations too
    this.opts.clock.addSettler(async () => void (await Promise.all([...this.running])));
    for (const t of this.timers) {
      const status = this.status(t.fn.name);
      const missed = status?.next !== null && status?.next !== undefined && status.next < now;
      // armed before the start-up invocation runs, so a virtual advance right after start sees the timer
      if (t.runOnStartup || missed) this.track(this.invoke(t, now, this.inputFor(t, missed)));
      this.arm(t, now, t.runOnStartup || missed ? now : null);
      this.opts.log(`timer ${t.fn.name}: "${t.schedule.expression}"`);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.timers.forEach((t) => t.cancel?.());
    await Promise.all([...this.running]);
  }

  private track(p: Promise<void>): void {
    this.running.add(p);
    void p.finally(() => this.running.delete(p));
  }

  private status(name: string): Status | undefined {
    const row = this.opts.db
      .prepare('SELECT last, next, last_updated FROM timer_status WHERE function = ?')
      .get(name) as { last: number | null; next: number | null; last_updated: number } | undefined;
    return row && { last: row.last, next: row.next, lastUpdated: row.last_updated };
  }

  private nextAfter(t: Scheduled, fromMs: number, lastFiredMs: number | null): number | undefined {
    const gap = this.opts.clock.mode === 'virtual' ? (this.opts.virtualMinIntervalMs ?? 0) : 0;
    const floor = lastFiredMs === null ? fromMs : Math.max(fromMs, lastFiredMs + gap - 1000);
    return nextOccurrence(t.schedule, floor);
  }

  private arm(t: Scheduled, fromMs: number, lastFiredMs: number | null = null): void {
    if (this.stopped) return;
    const next = this.nextAfter(t, fromMs, lastFiredMs);
    const prior = this.status(t.fn.name);
    this.opts.db
      .prepare('INSERT OR REPLACE INTO timer_status (function, last, next, last_updated) VALUES (?, ?, ?, ?)')
      .run(t.fn.name, lastFiredMs ?? prior?.last ?? null, next ?? null, this.opts.clock.now());
    if (next === undefined) return;
    t.cancel = this.opts.clock.setTimer(next, () => this.fire(t, next));
  }

  private inputFor(t: Scheduled, isPastDue: boolean) {
    const status = this.status(t.fn.name);
    return {
      isPastDue,
      schedule: { adjustForDST: true },
      scheduleStatus: {
        last: iso(status?.last ?? null),
        next: iso(status?.next ?? null),
        lastUpdated: iso(status?.lastUpdated ?? null),
      },
    };
  }

  private async invoke(t: Scheduled, scheduledMs: number, input: unknown): Promise<void> {
    try {
      await this.opts.invoker.invoke({
        fn: t.fn,
        triggerInput: input,
        detail: `scheduled=${new Date(scheduledMs).toISOString()}`,
        summarise: true,
      });
    } catch {
      // already logged by the invoker; a failed occurrence is not retried, as in Azure
    }
  }

  private async fire(t: Scheduled, scheduledMs: number): Promise<void> {
    if (this.stopped) return;
    await this.invoke(t, scheduledMs, this.inputFor(t, false));
    this.arm(t, Math.max(scheduledMs, this.opts.clock.now()), scheduledMs);
  }
}
