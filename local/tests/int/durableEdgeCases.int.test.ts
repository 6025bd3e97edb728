import * as df from 'durable-functions';
import type { OrchestrationContext } from 'durable-functions';
import { durableHarness, type Harness } from '../../durable/testing/harness';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 1);
const plus = (context: OrchestrationContext, ms: number): Date =>
  new Date(context.df.currentUtcDateTime.getTime() + ms);

df.app.activity('durEdge_echo', { handler: (input: unknown) => input });

// The losing long timer keeps splitting in the background; every sub-timer takes an id the engine must mirror.
df.app.orchestration('durEdge_loserKeepsTicking', function* (context: OrchestrationContext) {
  const cancel = context.df.getInput() === 'cancel';
  const long = context.df.createTimer(plus(context, 10 * DAY));
  const go = context.df.waitForExternalEvent('Go');
  yield context.df.Task.any([go, long]);
  if (cancel) long.cancel();
  yield context.df.createTimer(plus(context, 20 * DAY));
  const echoed: unknown = yield context.df.callActivity('durEdge_echo', 'after');
  return { echoed, at: context.df.currentUtcDateTime.toISOString() };
});

// A pending timer re-used in a second Task.any: the SDK repeats its action object but gives it no new id.
df.app.orchestration('durEdge_reusedTimer', function* (context: OrchestrationContext) {
  const deadline = context.df.createTimer(plus(context, 2 * DAY));
  yield context.df.Task.any([context.df.waitForExternalEvent('A'), deadline]);
  const b = context.df.waitForExternalEvent('B');
  const winner: unknown = yield context.df.Task.any([b, deadline]);
  return winner === deadline ? 'deadline' : 'B';
});

// An event raised before the orchestrator waits for it is buffered, not lost.
df.app.orchestration('durEdge_lateWaiter', function* (context: OrchestrationContext) {
  yield context.df.callActivity('durEdge_echo', 'first');
  const value: unknown = yield context.df.waitForExternalEvent('Early');
  return value;
});

df.app.orchestration('durEdge_failingChild', function* () {
  yield* [];
  throw new Error('child broke');
});
df.app.orchestration('durEdge_parent', function* (context: OrchestrationContext) {
  try {
    yield context.df.callSubOrchestrator('durEdge_failingChild');
    return 'no error';
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
});

describe('durable engine: edge cases through the real replay code', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await durableHarness({ startMs: T0 });
  });
  afterEach(async () => {
    await h.close();
  });

  it.each(['keep', 'cancel'])('keeps task ids aligned when a losing long timer is %s', async (mode) => {
    const id = await h.client.startNew('durEdge_loserKeepsTicking', { input: mode });
    await h.engine.whenIdle();
    await h.clock.advance(DAY);
    await h.client.raiseEvent(id, 'Go', null);
    await h.engine.whenIdle();
    await h.clock.advance(25 * DAY);

    const status = await h.client.getStatus(id);
    expect(status.runtimeStatus).toBe('Completed');
    expect(status.output).toEqual({ echoed: 'after', at: new Date(T0 + 21 * DAY).toISOString() });
    // The 20-day wait from day 1 fires at days 4, 7, 10, 13, 16, 21; a kept loser adds days 3, 6, 10;
    // a cancelled one (cancelled on day 1) never fires.
    expect(h.engine.stats().byInstance[id]?.timersFired).toBe(mode === 'keep' ? 9 : 6);
  });

  it('handles a timer re-used across two Task.any calls', async () => {
    const id = await h.client.startNew('durEdge_reusedTimer');
    await h.engine.whenIdle();
    await h.client.raiseEvent(id, 'A', 1);
    await h.engine.whenIdle();
    await h.clock.advance(2 * DAY);
    expect(await h.client.getStatus(id)).toMatchObject({ runtimeStatus: 'Completed', output: 'deadline' });
  });

  it('buffers an event raised before the orchestrator waits for it', async () => {
    const id = await h.client.startNew('durEdge_lateWaiter');
    await h.client.raiseEvent(id, 'Early', 'early bird');
    await h.engine.whenIdle();
    expect((await h.client.getStatus(id)).output).toBe('early bird');
  });

  it('surfaces a failed sub-orchestration as an error in the parent', async () => {
    const id = await h.client.startNew('durEdge_parent');
    await h.engine.whenIdle();
    expect(String((await h.client.getStatus(id)).output)).toContain('child broke');
  });
});
