import * as df from 'durable-functions';
import type { OrchestrationContext } from 'durable-functions';
import { durableHarness, type Harness } from '../../durable/testing/harness';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 1);

df.app.activity('durOrch_greet', { handler: (name: unknown) => `Hello ${String(name)}` });
df.app.activity('durOrch_shout', { handler: (text: unknown) => `${String(text).toUpperCase()}!` });
df.app.orchestration('durOrch_chain', function* (context: OrchestrationContext) {
  const greeting: unknown = yield context.df.callActivity('durOrch_greet', context.df.getInput());
  const shouted: unknown = yield context.df.callActivity('durOrch_shout', greeting);
  return shouted;
});
df.app.orchestration('durOrch_longTimer', function* (context: OrchestrationContext) {
  const startedAt = context.df.currentUtcDateTime.getTime();
  yield context.df.createTimer(new Date(startedAt + 36 * DAY));
  return { resumedAt: context.df.currentUtcDateTime.toISOString() };
});
df.app.orchestration('durOrch_approval', function* (context: OrchestrationContext) {
  context.df.setCustomStatus('waiting');
  const deadline = context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 2 * DAY));
  const approval = context.df.waitForExternalEvent('Approval');
  const winner: unknown = yield context.df.Task.any([approval, deadline]);
  if (winner === approval) {
    deadline.cancel();
    return { approvedBy: approval.result };
  }
  return 'timed out';
});
df.app.orchestration('durOrch_fails', function* (context: OrchestrationContext) {
  yield context.df.callActivity('durOrch_greet', 'x');
  throw new Error('orchestrator gave up');
});
df.app.orchestration('durOrch_fanOut', function* (context: OrchestrationContext) {
  const names = ['a', 'b', 'c'];
  const results: unknown = yield context.df.Task.all(
    names.map((n) => context.df.callActivity('durOrch_greet', n)),
  );
  return results;
});
df.app.orchestration('durOrch_loop', function* (context: OrchestrationContext) {
  const n = Number(context.df.getInput());
  yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + DAY));
  if (n < 3) context.df.continueAsNew(n + 1);
  return n;
});
df.app.orchestration('durOrch_child', function* (context: OrchestrationContext) {
  const got: unknown = yield context.df.callActivity('durOrch_greet', context.df.getInput());
  return `child:${String(got)}`;
});
df.app.orchestration('durOrch_parent', function* (context: OrchestrationContext) {
  const a: unknown = yield context.df.callSubOrchestrator('durOrch_child', 'one');
  const b: unknown = yield context.df.callSubOrchestrator('durOrch_child', 'two', 'fixed-child-id');
  return [a, b];
});

describe('durable engine: orchestrations', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await durableHarness({ startMs: T0 });
  });
  afterEach(async () => {
    await h.close();
  });

  it('runs an activity chain and passes each result on', async () => {
    const id = await h.client.startNew('durOrch_chain', { input: 'Tokyo' });
    await h.engine.whenIdle();

    const status = await h.client.getStatus(id);
    expect(status.runtimeStatus).toBe('Completed');
    expect(status.output).toBe('HELLO TOKYO!');
    expect(h.engine.stats().byInstance[id]).toMatchObject({ episodes: 3, activities: 2 });
    // One log line per episode and per activity, each with its duration.
    expect(
      h.lines.filter((l) => l.startsWith('orchestrator durOrch_chain') && / [\d.]+ms/.test(l)),
    ).toHaveLength(3);
    expect(h.lines.filter((l) => l.startsWith('activity durOrch_') && / [\d.]+ms/.test(l))).toHaveLength(2);
  });

  it('resumes a 36-day timer at the right time through eleven Azure-sized sub-timers', async () => {
    const id = await h.client.startNew('durOrch_longTimer');
    await h.engine.whenIdle();

    await h.clock.advance(36 * DAY - 1);
    expect((await h.client.getStatus(id)).runtimeStatus).toBe('Running');
    await h.clock.advance(1);

    const status = await h.client.getStatus(id);
    expect(status.runtimeStatus).toBe('Completed');
    expect(status.output).toEqual({ resumedAt: new Date(T0 + 36 * DAY).toISOString() });
    // 3-day steps while more than 6 days remain: 3, 6, …, 30, then the final 36 = 11 timers.
    expect(h.engine.stats().byInstance[id]?.timersFired).toBe(11);
    const raw = await h.engine.handleWebhook({
      method: 'GET',
      path: `instances/${id}`,
      query: new URLSearchParams('showHistory=true'),
      body: '',
    });
    const events = (
      JSON.parse(raw.body ?? '{}') as { historyEvents: Array<{ EventType: string; FireAt?: string }> }
    ).historyEvents;
    const fireDays = events
      .filter((e) => e.EventType === 'TimerCreated')
      .map((e) => (Date.parse(e.FireAt ?? '') - T0) / DAY);
    expect(fireDays).toEqual([3, 6, 9, 12, 15, 18, 21, 24, 27, 30, 36]);
  });

  it('delivers an external event and cancels the losing timer', async () => {
    const id = await h.client.startNew('durOrch_approval', { instanceId: 'approval-1' });
    await h.engine.whenIdle();
    expect((await h.client.getStatus(id)).customStatus).toBe('waiting');

    await h.client.raiseEvent(id, 'Approval', { by: 'ops' });
    await h.engine.whenIdle();
    await h.clock.advance(3 * DAY);

    const status = await h.client.getStatus(id);
    expect(status.output).toEqual({ approvedBy: { by: 'ops' } });
    expect(h.engine.stats().byInstance[id]?.timersFired ?? 0).toBe(0);
  });

  it('lets the timer win when no event arrives', async () => {
    const id = await h.client.startNew('durOrch_approval');
    await h.engine.whenIdle();
    await h.clock.advance(2 * DAY);
    expect((await h.client.getStatus(id)).output).toBe('timed out');
  });

  it('reports an orchestrator failure with its message', async () => {
    const id = await h.client.startNew('durOrch_fails');
    await h.engine.whenIdle();
    const status = await h.client.getStatus(id);
    expect(status.runtimeStatus).toBe('Failed');
    expect(String(status.output)).toContain('orchestrator gave up');
  });

  it('fans out and in with Task.all', async () => {
    const id = await h.client.startNew('durOrch_fanOut');
    await h.engine.whenIdle();
    expect((await h.client.getStatus(id)).output).toEqual(['Hello a', 'Hello b', 'Hello c']);
  });

  it('continues as new with a fresh history until done', async () => {
    const id = await h.client.startNew('durOrch_loop', { input: 1 });
    await h.engine.whenIdle();
    await h.clock.advance(5 * DAY);
    const status = await h.client.getStatus(id);
    expect(status.runtimeStatus).toBe('Completed');
    expect(status.output).toBe(3);
    // Azure names the field `historyEvents` (the SDK reads `history`, so it is read raw here).
    const raw = await h.engine.handleWebhook({
      method: 'GET',
      path: `instances/${id}`,
      query: new URLSearchParams('showHistory=true'),
      body: '',
    });
    const events = (JSON.parse(raw.body ?? '{}') as { historyEvents: Array<{ EventType: string }> })
      .historyEvents;
    // Only the last execution's history remains.
    expect(events.filter((e) => e.EventType === 'TimerFired')).toHaveLength(1);
    expect(h.engine.stats().byInstance[id]?.timersFired).toBe(3);
  });

  it('runs sub-orchestrations with generated and given instance ids', async () => {
    const id = await h.client.startNew('durOrch_parent', { instanceId: 'parent-1' });
    await h.engine.whenIdle();
    expect((await h.client.getStatus(id)).output).toEqual(['child:Hello one', 'child:Hello two']);
    expect((await h.client.getStatus('parent-1:0')).runtimeStatus).toBe('Completed');
    expect((await h.client.getStatus('fixed-child-id')).output).toBe('child:Hello two');
  });
});
