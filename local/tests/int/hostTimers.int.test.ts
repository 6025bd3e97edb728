import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { virtualClock } from '../../clock';
import { Registry } from '../../functionsCore';
import { createInvoker } from '../../host/invoke';
import { openDb, type Db } from '../../host/sqlite';
import { TimerTriggers } from '../../host/timerTrigger';

interface TimerInput {
  isPastDue: boolean;
  scheduleStatus: { last?: string; next?: string };
}

const START = Date.parse('2026-11-25T00:00:00Z');
let dir: string;
let db: Db;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'host-timers-'));
  db = openDb(join(dir, 'host.sqlite'));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

function timerApp(schedule: string, runOnStartup: boolean, fired: TimerInput[]): Registry {
  const registry = new Registry();
  const trigger = { type: 'timerTrigger', direction: 'in' as const, schedule, runOnStartup };
  registry.functions.push({
    name: 'sweep',
    bindings: { timer: trigger },
    trigger: { ...trigger, name: 'timer' },
    handler: async (input) => void fired.push(input as TimerInput),
  });
  return registry;
}

function timers(
  registry: Registry,
  clock: ReturnType<typeof virtualClock>,
  minIntervalMs = 0,
): TimerTriggers {
  return new TimerTriggers(registry.functions, {
    db,
    invoker: createInvoker(registry, () => undefined),
    clock,
    log: () => undefined,
    virtualMinIntervalMs: minIntervalMs,
    env: { SWEEP_SCHEDULE: '0 */15 * * * *' },
  });
}

describe('timer triggers', () => {
  it('resolves %SETTING% and fires every occurrence in order with the schedule status', async () => {
    const fired: TimerInput[] = [];
    const clock = virtualClock(START);
    const t = timers(timerApp('%SWEEP_SCHEDULE%', false, fired), clock);
    t.start();
    await clock.advance(45 * 60_000);
    await t.stop();
    expect(fired.map((f) => f.scheduleStatus.next)).toEqual([
      '2026-11-25T00:15:00.000Z',
      '2026-11-25T00:30:00.000Z',
      '2026-11-25T00:45:00.000Z',
    ]);
    expect(fired.map((f) => f.scheduleStatus.last)).toEqual([
      undefined,
      '2026-11-25T00:15:00.000Z',
      '2026-11-25T00:30:00.000Z',
    ]);
    expect(fired.every((f) => !f.isPastDue)).toBe(true);
  });

  it('fires once, past due, for occurrences missed while the runtime was down', async () => {
    const fired: TimerInput[] = [];
    const first = virtualClock(START);
    const t1 = timers(timerApp('0 */15 * * * *', false, fired), first);
    t1.start();
    await t1.stop();
    // the next start is two hours later: eight occurrences were missed
    const later = virtualClock(START + 2 * 3_600_000 + 1000);
    const t2 = timers(timerApp('0 */15 * * * *', false, fired), later);
    t2.start();
    await later.advance(0);
    await t2.stop();
    expect(fired).toEqual([
      expect.objectContaining({
        isPastDue: true,
        scheduleStatus: expect.objectContaining({ next: '2026-11-25T00:15:00.000Z' }),
      }),
    ]);
  });

  it('runs on startup when asked, and coalesces occurrences in virtual time to the minimum interval', async () => {
    const fired: TimerInput[] = [];
    const clock = virtualClock(START);
    const t = timers(timerApp('*/10 * * * * *', true, fired), clock, 3_600_000);
    t.start();
    await clock.advance(3 * 3_600_000);
    await t.stop();
    // on startup, then at most once per virtual hour: 01:00, 02:00, 03:00
    expect(fired).toHaveLength(4);
    expect(fired.slice(1).map((f) => f.scheduleStatus.next)).toEqual([
      '2026-11-25T01:00:00.000Z',
      '2026-11-25T02:00:00.000Z',
      '2026-11-25T03:00:00.000Z',
    ]);
  });

  it('refuses a schedule that is not 6-field NCRONTAB', () => {
    expect(() => timers(timerApp('0 */5 * * *', false, []), virtualClock(START))).toThrow(
      /must have 6 fields/,
    );
  });
});
