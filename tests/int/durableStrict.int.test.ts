import { app } from '@azure/functions';
import * as df from 'durable-functions';
import type { EntityContext, OrchestrationContext } from 'durable-functions';
import { durableHarness, type Harness } from '../../local/durable/testing/harness';

// The engine enforces what Azure enforces (local/durable/README.md § Strictness); one case per limit.
const T0 = Date.UTC(2026, 10, 1);

// Which code the "deployed" orchestrator runs: flipped between episodes to simulate a changed deployment.
let variant: 'original' | 'renamed' | 'timer' | 'removed' = 'original';

df.app.activity('durStrict_echo', { handler: (input: unknown) => input });
df.app.activity('durStrict_other', { handler: (input: unknown) => input });

df.app.orchestration('durStrict_changing', function* (context: OrchestrationContext) {
  if (variant === 'original') yield context.df.callActivity('durStrict_echo', 1);
  else if (variant === 'renamed') yield context.df.callActivity('durStrict_other', 1);
  else if (variant === 'timer')
    yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 1000));
  yield context.df.waitForExternalEvent('go');
  // The removed variant no longer calls anything (the same name again would match on Azure, too).
  if (variant === 'removed') return 'nothing';
  const last: unknown = yield context.df.callActivity('durStrict_echo', 2);
  return last;
});

df.app.orchestration('durStrict_status', function* (context: OrchestrationContext) {
  const chars = context.df.getInput() as number;
  context.df.setCustomStatus('x'.repeat(chars));
  yield context.df.callActivity('durStrict_echo', 1);
  return 'done';
});

df.app.orchestration('durStrict_fanOut', function* (context: OrchestrationContext) {
  const n = context.df.getInput() as number;
  const results: unknown = yield context.df.Task.all(
    Array.from({ length: n }, (_, i) => context.df.callActivity('durStrict_echo', i)),
  );
  return results;
});

// Slow on its first attempt only: the first attempt outlives the function timeout.
let slowAttempts = 0;
df.app.activity('durStrict_slow', {
  handler: async () => {
    slowAttempts += 1;
    if (slowAttempts === 1) await new Promise((resolve) => setTimeout(resolve, 1_000));
    return `attempt ${slowAttempts}`;
  },
});
df.app.orchestration('durStrict_timeout', function* (context: OrchestrationContext) {
  const retry = context.df.getInput() as boolean;
  try {
    const result: unknown = retry
      ? yield context.df.callActivityWithRetry('durStrict_slow', new df.RetryOptions(1000, 2), null)
      : yield context.df.callActivity('durStrict_slow', null);
    return { result };
  } catch (error) {
    return { caught: error instanceof Error ? error.message : String(error) };
  }
});

// An entity whose invocation fails as a whole (not one operation) while `brokenInvocations` > 0.
let brokenInvocations = 0;
const flakyHandler = async (trigger: unknown): Promise<unknown> => {
  await Promise.resolve();
  if (brokenInvocations > 0) {
    brokenInvocations -= 1;
    throw new Error('worker crashed mid-batch');
  }
  const { batch, state } = trigger as { batch: Array<{ input?: string }>; state?: string };
  let total = state === undefined ? 0 : (JSON.parse(state) as number);
  for (const op of batch) total += op.input === undefined ? 0 : (JSON.parse(op.input) as number);
  return {
    entityExists: true,
    entityState: JSON.stringify(total),
    results: batch.map(() => ({ isError: false, result: JSON.stringify(total), duration: 0 })),
    signals: [],
  };
};
app.generic('DurStrict_Flaky', { trigger: df.trigger.entity(), handler: flakyHandler });

df.app.orchestration('durStrict_callFlaky', function* (context: OrchestrationContext) {
  const result: unknown = yield context.df.callEntity(new df.EntityId('DurStrict_Flaky', 'f'), 'add', 5);
  return result;
});

df.app.entity('DurStrict_Returner', (context: EntityContext<unknown>) => {
  context.df.return('only a value');
});
df.app.entity('DurStrict_Tally', (context: EntityContext<number>) => {
  context.df.setState((context.df.getState(() => 0) ?? 0) + 1);
});

describe('durable engine: as strict as Azure', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  describe('determinism check (NonDeterministicOrchestrationException)', () => {
    beforeEach(async () => {
      h = await durableHarness({ startMs: T0 });
      variant = 'original';
    });

    async function replayAs(next: typeof variant): Promise<df.DurableOrchestrationStatus> {
      const id = await h.client.startNew('durStrict_changing');
      await h.engine.whenIdle();
      variant = next;
      await h.client.raiseEvent(id, 'go', null);
      await h.engine.whenIdle();
      return h.client.getStatus(id);
    }

    it('replays the unchanged code to completion', async () => {
      const status = await replayAs('original');
      expect(status.runtimeStatus).toBe('Completed');
      expect(status.output).toBe(2);
    });

    it('fails a replay that schedules another activity under the same sequence number', async () => {
      const status = await replayAs('renamed');
      expect(status.runtimeStatus).toBe('Failed');
      expect(status.output).toBe(
        "Non-Deterministic workflow detected: A previous execution of this orchestration scheduled an activity task with sequence number 0 named 'durStrict_echo', but the current orchestration replay instead scheduled an activity task named 'durStrict_other' with this sequence number. Was a change made to the orchestrator code after this instance had already started running?",
      );
    });

    it('fails a replay that produces another kind of action, with the same number of actions', async () => {
      const status = await replayAs('timer');
      expect(status.runtimeStatus).toBe('Failed');
      expect(String(status.output)).toContain(
        "scheduled an activity task with sequence number 0 named 'durStrict_echo', but the current orchestration replay instead produced a CreateTimerOrchestratorAction action",
      );
    });

    it('fails a replay that no longer schedules a task it scheduled before', async () => {
      const status = await replayAs('removed');
      expect(status.runtimeStatus).toBe('Failed');
      expect(String(status.output)).toContain("hasn't (yet?) scheduled this task");
    });
  });

  describe('custom status over 16 KB (UTF-16) fails the orchestration', () => {
    beforeEach(async () => {
      h = await durableHarness({ startMs: T0 });
    });

    it('accepts 16 KB and fails at 17 KB with the extension message', async () => {
      // The extension rounds the UTF-16 size down to whole KB: 8,703 code units of JSON (17,406 bytes)
      // still count as 16 KB; the string's quotes count too.
      const fits = await h.client.startNew('durStrict_status', { input: 8703 - 2 });
      const tooBig = await h.client.startNew('durStrict_status', { input: 17 * 512 });
      await h.engine.whenIdle();
      expect((await h.client.getStatus(fits)).runtimeStatus).toBe('Completed');
      const failed = await h.client.getStatus(tooBig);
      expect(failed.runtimeStatus).toBe('Failed');
      expect(failed.output).toBe(
        "Orchestrator function 'durStrict_status' failed: The UTF-16 size of the JSON-serialized payload must not exceed 16 KB. The current payload size is 17 KB.",
      );
      expect(failed.customStatus).toBeNull();
    });
  });

  describe('maxOrchestrationActions', () => {
    beforeEach(async () => {
      h = await durableHarness({ startMs: T0, limits: { maxOrchestrationActions: 5 } });
    });

    it('fails the orchestration that schedules one action more than allowed', async () => {
      const ok = await h.client.startNew('durStrict_fanOut', { input: 5 });
      const over = await h.client.startNew('durStrict_fanOut', { input: 6 });
      await h.engine.whenIdle();
      expect((await h.client.getStatus(ok)).output).toEqual([0, 1, 2, 3, 4]);
      const failed = await h.client.getStatus(over);
      expect(failed.runtimeStatus).toBe('Failed');
      expect(failed.output).toBe(
        "Orchestrator function 'durStrict_fanOut' failed: Maximum amount of orchestration actions (5) has been reached. This value can be configured in host.json file as MaxOrchestrationActions.",
      );
    });
  });

  describe('functionTimeout for activities', () => {
    beforeEach(async () => {
      h = await durableHarness({ startMs: T0, limits: { functionTimeoutMs: 200 } });
      slowAttempts = 0;
    });

    it('fails an activity that runs longer, with the host timeout message', async () => {
      const id = await h.client.startNew('durStrict_timeout', { input: false });
      await h.engine.whenIdle();
      const { caught } = (await h.client.getStatus(id)).output as { caught: string };
      expect(caught).toMatch(
        /^Activity function 'durStrict_slow' failed: Timeout value of 00:00:00\.2000000 was exceeded by function: Functions\.durStrict_slow/,
      );
    });

    it('applies the retry policy to a timed-out activity', async () => {
      const id = await h.client.startNew('durStrict_timeout', { input: true });
      await h.engine.whenIdle();
      await h.clock.advance(1_000);
      expect((await h.client.getStatus(id)).output).toEqual({ result: 'attempt 2' });
    });
  });

  describe('entity batches', () => {
    beforeEach(async () => {
      h = await durableHarness({ startMs: T0 });
      brokenInvocations = 0;
    });

    it('keeps the messages of a batch whose invocation failed and retries them', async () => {
      brokenInvocations = 2;
      const flaky = new df.EntityId('DurStrict_Flaky', 'f');
      await h.client.signalEntity(flaky, 'add', 1);
      const id = await h.client.startNew('durStrict_callFlaky');
      await h.engine.whenIdle();
      for (let i = 0; i < 50 && (await h.client.getStatus(id)).runtimeStatus !== 'Completed'; i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        await h.engine.whenIdle();
      }
      expect((await h.client.getStatus(id)).output).toBe(6);
      expect(await h.client.readEntityState<number>(flaky)).toEqual({ entityExists: true, entityState: 6 });
      expect(h.engine.stats().byInstance['@durstrict_flaky@f']).toMatchObject({
        entityBatchFailures: 2,
        entityOperations: 2,
      });
    });

    it('runs at most 50 operations per batch (the Consumption default)', async () => {
      const tally = new df.EntityId('DurStrict_Tally', 't');
      await Promise.all(Array.from({ length: 120 }, () => h.client.signalEntity(tally, 'add')));
      await h.engine.whenIdle();
      expect((await h.client.readEntityState<number>(tally)).entityState).toBe(120);
      const sizes = h.lines
        .filter((line) => line.startsWith('entity @durstrict_tally@t batch of '))
        .map((line) => Number(/batch of (\d+)/.exec(line)?.[1]));
      expect(Math.max(...sizes)).toBeLessThanOrEqual(50);
      expect(sizes.reduce((a, b) => a + b, 0)).toBe(120);
    });

    it('reads an entity that exists without state as not found (404), as Azure does', async () => {
      const returner = new df.EntityId('DurStrict_Returner', 'r');
      await h.client.signalEntity(returner, 'anything');
      await h.engine.whenIdle();
      expect(await h.client.readEntityState(returner)).toEqual({ entityExists: false });
      const res = await h.engine.handleWebhook({
        method: 'GET',
        path: 'entities/DurStrict_Returner/r',
        query: new URLSearchParams(),
        body: '',
      });
      expect(res.status).toBe(404);
    });
  });
});
