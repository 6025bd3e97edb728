import * as df from 'durable-functions';
import type { EntityContext, OrchestrationContext } from 'durable-functions';
import { durableHarness, type Harness } from '../../durable/testing/harness';

const T0 = Date.UTC(2026, 10, 1);

// Records, per entity key, how many operations were in progress at once (the handler yields to the
// event loop, so overlapping batches of one entity would show up as more than one).
const inProgress = new Map<string, number>();
const maxInProgress = new Map<string, number>();

async function counter(context: EntityContext<number>): Promise<void> {
  const key = context.df.entityKey;
  inProgress.set(key, (inProgress.get(key) ?? 0) + 1);
  maxInProgress.set(key, Math.max(maxInProgress.get(key) ?? 0, inProgress.get(key) ?? 0));
  try {
    await new Promise<void>((resolve) => setImmediate(resolve));
    const state = context.df.getState(() => 0) ?? 0;
    const op = context.df.operationName;
    if (op === 'add') {
      const next = state + Number(context.df.getInput());
      context.df.setState(next);
      if (next === 100) context.df.signalEntity(new df.EntityId('DurEnt_Counter', 'overflow'), 'add', 1);
      context.df.return(next);
    } else if (op === 'get') {
      context.df.return(state);
    } else if (op === 'boom') {
      throw new Error('counter exploded');
    }
  } finally {
    inProgress.set(key, (inProgress.get(key) ?? 1) - 1);
  }
}
// The SDK awaits whatever the entity function returns (Entity.js), though its type says void.
// eslint-disable-next-line @typescript-eslint/no-misused-promises
df.app.entity('DurEnt_Counter', counter);

df.app.orchestration('durEnt_useCounter', function* (context: OrchestrationContext) {
  const counter = new df.EntityId('DurEnt_Counter', 'c1');
  context.df.signalEntity(counter, 'add', 5);
  const afterCall: unknown = yield context.df.callEntity(counter, 'add', 10);
  const read: unknown = yield context.df.callEntity(counter, 'get');
  let failure = '';
  try {
    yield context.df.callEntity(counter, 'boom');
  } catch (error) {
    failure = error instanceof Error ? error.message : String(error);
  }
  return { afterCall, read, failure };
});

describe('durable engine: entities', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await durableHarness({ startMs: T0 });
  });
  afterEach(async () => {
    await h.close();
  });

  it('serves callEntity and signalEntity from an orchestration, in order, with errors surfaced', async () => {
    const id = await h.client.startNew('durEnt_useCounter');
    await h.engine.whenIdle();

    const status = await h.client.getStatus(id);
    expect(status.runtimeStatus).toBe('Completed');
    // The signal was sent before the call, so the call sees 5 + 10.
    expect(status.output).toMatchObject({ afterCall: 15, read: 15 });
    expect((status.output as { failure: string }).failure).not.toBe('');
    const state = await h.client.readEntityState<number>(new df.EntityId('DurEnt_Counter', 'c1'));
    expect(state).toEqual({ entityExists: true, entityState: 15 });
  });

  it('runs one batch at a time per entity, applying every signal exactly once, and forwards signals between entities', async () => {
    const counter = new df.EntityId('DurEnt_Counter', 'c2');
    await Promise.all(Array.from({ length: 10 }, () => h.client.signalEntity(counter, 'add', 5)));
    // Ten more queued in one turn of the event loop: they reach the entity together.
    const direct = Array.from({ length: 10 }, () =>
      h.engine.handleWebhook({
        method: 'POST',
        path: 'entities/DurEnt_Counter/c2',
        query: new URLSearchParams('op=add'),
        body: '5',
      }),
    );
    expect((await Promise.all(direct)).map((r) => r.status)).toEqual(Array(10).fill(202));
    await h.engine.whenIdle();

    expect(await h.client.readEntityState<number>(counter)).toEqual({ entityExists: true, entityState: 100 });
    // Reaching 100 signals the overflow entity once.
    expect(await h.client.readEntityState<number>(new df.EntityId('DurEnt_Counter', 'overflow'))).toEqual({
      entityExists: true,
      entityState: 1,
    });
    expect(maxInProgress.get('c2')).toBe(1);
    const stats = h.engine.stats().byInstance['@durent_counter@c2'];
    expect(stats?.entityOperations).toBe(20);
    // Signals that arrive together are processed as batches, not one invocation each.
    expect(stats?.entityBatches).toBeLessThanOrEqual(11);
  });

  it('reports a missing entity as not existing', async () => {
    expect(await h.client.readEntityState(new df.EntityId('DurEnt_Counter', 'never'))).toEqual({
      entityExists: false,
    });
  });
});
