import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as df from 'durable-functions';
import type { EntityContext, OrchestrationContext } from 'durable-functions';
import type { StepInfo } from '../../durable';
import { durableHarness, type Harness } from '../../durable/testing/harness';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 1);

// Side effects outside the store, counted per run: what "applied exactly N times" is measured on.
const effects = new Map<string, number>();
const bump = (key: string): void => void effects.set(key, (effects.get(key) ?? 0) + 1);

df.app.activity('durRec_step', {
  handler: (name: unknown) => {
    bump(String(name));
    return `${String(name)} done`;
  },
});
df.app.entity('DurRec_Tally', (context: EntityContext<number>) => {
  context.df.setState((context.df.getState(() => 0) ?? 0) + Number(context.df.getInput()));
  context.df.return(context.df.getState());
});
df.app.orchestration('durRec_flow', function* (context: OrchestrationContext) {
  const a: unknown = yield context.df.callActivity('durRec_step', 'A');
  const b: unknown = yield context.df.callActivity('durRec_step', 'B');
  const tally: unknown = yield context.df.callEntity(new df.EntityId('DurRec_Tally', 't'), 'add', 5);
  yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + DAY));
  const c: unknown = yield context.df.callActivity('durRec_step', 'C');
  return [a, b, tally, c];
});

interface CrashCase {
  label: string;
  at: (step: StepInfo, seen: number) => boolean;
  /** Runs of activity B: 2 when the crash hits after B ran but before its result was committed. */
  runsOfB: number;
}

// `seen` counts earlier steps of the same kind.
const cases: CrashCase[] = [
  {
    label: 'after activity B ran, before its result was committed',
    at: (s) => s.kind === 'activity' && s.name === 'durRec_step' && effects.get('B') === 1,
    runsOfB: 2,
  },
  { label: 'before the entity batch committed', at: (s) => s.kind === 'entity', runsOfB: 1 },
  {
    label: 'before the episode that schedules B committed',
    at: (s, seen) => s.kind === 'orchestration' && seen === 1,
    runsOfB: 1,
  },
  {
    label: 'before the episode that handles the fired timer committed',
    at: (s, seen) => s.kind === 'orchestration' && seen === 4,
    runsOfB: 1,
  },
];

describe('durable engine: crash recovery on a file store', () => {
  let dir: string;
  let harnesses: Harness[];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'durable-recovery-'));
    effects.clear();
    harnesses = [];
  });
  afterEach(async () => {
    const last = harnesses[harnesses.length - 1];
    if (last) await last.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(cases)(
    'resumes with nothing lost and nothing applied twice: crash $label',
    async ({ at, runsOfB }) => {
      const seen = new Map<string, number>();
      let crashed = false;
      const first = await durableHarness({
        dbPath: join(dir, 'durable.db'),
        startMs: T0,
        faults: {
          crashBeforeCommit: (step) => {
            const n = seen.get(step.kind) ?? 0;
            seen.set(step.kind, n + 1);
            crashed ||= at(step, n);
            return crashed;
          },
        },
      });
      harnesses.push(first);
      const id = await first.client.startNew('durRec_flow', { instanceId: 'member-1' });
      await first.engine.whenIdle();
      await first.clock.advance(DAY);
      expect(crashed).toBe(true);

      // The crashed engine is simply abandoned, as after kill -9; a new one opens the same file.
      const second = await first.restart({ atMs: first.clock.now() });
      harnesses.push(second);
      await second.engine.whenIdle();
      await second.clock.advance(2 * DAY);

      const status = await second.client.getStatus(id);
      expect(status.runtimeStatus).toBe('Completed');
      expect(status.output).toEqual(['A done', 'B done', 5, 'C done']);
      expect(Object.fromEntries(effects)).toEqual({ A: 1, B: runsOfB, C: 1 });
      expect(await second.client.readEntityState(new df.EntityId('DurRec_Tally', 't'))).toEqual({
        entityExists: true,
        entityState: 5,
      });
    },
  );

  it('survives a crash before every single commit point of the flow', async () => {
    // Steps of a clean run: 6 episodes, 3 activities, 1 entity batch.
    for (let k = 0; k < 10; k++) {
      effects.clear();
      let step = 0;
      let crashedAt: StepInfo | undefined;
      const first = await durableHarness({
        dbPath: join(dir, `sweep-${k}.db`),
        startMs: T0,
        faults: {
          crashBeforeCommit: (info) => {
            if (step++ === k) crashedAt = info;
            return crashedAt !== undefined;
          },
        },
      });
      harnesses.push(first);
      await first.client.startNew('durRec_flow', { instanceId: 'm' });
      await first.engine.whenIdle();
      await first.clock.advance(DAY);
      expect(crashedAt).toBeDefined();

      const second = await first.restart({ atMs: first.clock.now() });
      harnesses.push(second);
      await second.clock.advance(2 * DAY);
      expect(await second.client.getStatus('m')).toMatchObject({
        runtimeStatus: 'Completed',
        output: ['A done', 'B done', 5, 'C done'],
      });
      // Only an activity whose result was lost runs twice; nothing else is applied twice.
      expect([...effects.keys()].sort()).toEqual(['A', 'B', 'C']);
      expect([...effects.values()].sort()).toEqual(crashedAt?.kind === 'activity' ? [1, 1, 2] : [1, 1, 1]);
      expect(await second.client.readEntityState(new df.EntityId('DurRec_Tally', 't'))).toEqual({
        entityExists: true,
        entityState: 5,
      });
      await second.close();
      harnesses.pop();
    }
  });

  it('fires a timer that fell due while the engine was down as soon as it starts again', async () => {
    const first = await durableHarness({ dbPath: join(dir, 'durable.db'), startMs: T0 });
    harnesses.push(first);
    const id = await first.client.startNew('durRec_flow');
    await first.engine.whenIdle();
    expect(Object.fromEntries(effects)).toEqual({ A: 1, B: 1 });

    // Abandoned while the 1-day timer is pending; the next process starts two days later.
    const second = await first.restart({ atMs: T0 + 2 * DAY });
    harnesses.push(second);
    await second.clock.advance(0);
    await second.engine.whenIdle();

    expect((await second.client.getStatus(id)).runtimeStatus).toBe('Completed');
    expect(Object.fromEntries(effects)).toEqual({ A: 1, B: 1, C: 1 });
  });
});
