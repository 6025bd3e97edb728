import type { InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import type { EntityContext, OrchestrationContext } from 'durable-functions';
import { durableHarness, type Harness } from '../../durable/testing/harness';

const T0 = Date.UTC(2026, 10, 1);

df.app.orchestration('durCli_waiter', function* (context: OrchestrationContext) {
  const value: unknown = yield context.df.waitForExternalEvent('Go');
  return { got: value, input: context.df.getInput() };
});
df.app.entity('DurCli_Box', (context: EntityContext<unknown>) => {
  if (context.df.operationName === 'put') context.df.setState(context.df.getInput());
});
// An activity that uses the durable client, as activities with a durableClient extra input do.
df.app.activity('durCli_starter', {
  extraInputs: [df.input.durableClient()],
  handler: async (input: unknown, context: InvocationContext) => {
    const client = df.getClient(context);
    return client.startNew('durCli_waiter', { instanceId: String(input), input: 'from activity' });
  },
});
df.app.orchestration('durCli_spawner', function* (context: OrchestrationContext) {
  const started: unknown = yield context.df.callActivity('durCli_starter', 'spawned-1');
  return started;
});

describe('durable engine: client API through df.getClient', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await durableHarness({ startMs: T0 });
  });
  afterEach(async () => {
    await h.close();
  });

  it('starts, reports, raises an event to, and purges an instance', async () => {
    const id = await h.client.startNew('durCli_waiter', { instanceId: 'w-1', input: { n: 1 } });
    expect(id).toBe('w-1');
    await h.engine.whenIdle();
    const running = await h.client.getStatus(id);
    expect(running).toMatchObject({
      name: 'durCli_waiter',
      instanceId: 'w-1',
      runtimeStatus: 'Running',
      input: { n: 1 },
    });
    expect(running.createdTime.toISOString()).toBe(new Date(T0).toISOString());

    await h.client.raiseEvent(id, 'Go', 42);
    await h.engine.whenIdle();
    expect(await h.client.getStatus(id)).toMatchObject({
      runtimeStatus: 'Completed',
      output: { got: 42, input: { n: 1 } },
    });

    expect(await h.client.purgeInstanceHistory(id)).toEqual({ instancesDeleted: 1 });
    await expect(h.client.getStatus(id)).rejects.toThrow(/404/);
    expect((await h.client.purgeInstanceHistory(id)).instancesDeleted).toBe(0);
  });

  it("counts status queries and entity state reads per instance in the engine's stats", async () => {
    await h.client.startNew('durCli_waiter', { instanceId: 'counted' });
    await h.client.signalEntity(new df.EntityId('DurCli_Box', 'k'), 'put', 1);
    await h.engine.whenIdle();
    const before = h.engine.stats();

    await h.client.getStatus('counted');
    await h.client.getStatus('counted');
    await h.client.readEntityState(new df.EntityId('DurCli_Box', 'k'));

    const after = h.engine.stats();
    expect(after.total.statusQueries - before.total.statusQueries).toBe(2);
    expect(after.byInstance['counted']?.statusQueries).toBe(2);
    expect(after.total.entityStateReads - before.total.entityStateReads).toBe(1);
    expect(after.byInstance['@durcli_box@k']?.entityStateReads).toBe(1);
  });

  it('rejects starting an id that is still running, as Azure does, and restarts a finished one', async () => {
    await h.client.startNew('durCli_waiter', { instanceId: 'dup' });
    await h.engine.whenIdle();
    await expect(h.client.startNew('durCli_waiter', { instanceId: 'dup' })).rejects.toThrow(
      /500.*already exists/,
    );

    await h.client.terminate('dup', 'operator said so');
    await h.engine.whenIdle();
    expect(await h.client.getStatus('dup')).toMatchObject({
      runtimeStatus: 'Terminated',
      output: 'operator said so',
    });
    await expect(h.client.raiseEvent('dup', 'Go', 1)).resolves.toBeUndefined();

    await h.client.startNew('durCli_waiter', { instanceId: 'dup', input: 'second' });
    await h.engine.whenIdle();
    expect(await h.client.getStatus('dup')).toMatchObject({ runtimeStatus: 'Running', input: 'second' });
    await expect(h.client.startNew('durCli_missing')).rejects.toThrow(/400/);
  });

  it('answers with the extension status codes for missing, finished and unsupported targets', async () => {
    const call = (method: string, path: string, body = '', query = '') =>
      h.engine.handleWebhook({ method, path, query: new URLSearchParams(query), body });
    expect((await call('GET', 'instances/nope')).status).toBe(404);
    expect((await call('POST', 'instances/nope/raiseEvent/Go', '1')).status).toBe(404);
    expect((await call('POST', 'instances/nope/terminate')).status).toBe(404);
    await h.client.startNew('durCli_waiter', { instanceId: 'codes' });
    expect((await call('POST', 'instances/codes/raiseEvent/Go', '{not json')).status).toBe(400);
    expect((await call('POST', 'instances/codes/suspend')).status).toBe(501);
    expect((await call('GET', 'instances/', '', 'createdTimeFrom=yesterday')).status).toBe(400);
    expect((await call('POST', 'orchestrators/durCli_waiter/@bad')).status).toBe(400);
    expect((await call('POST', 'instances/codes/terminate', '', 'reason=done')).status).toBe(202);
    expect((await call('POST', 'instances/codes/terminate')).status).toBe(410);
    expect((await call('POST', 'instances/codes/raiseEvent/Go', '1')).status).toBe(410);
    expect((await call('GET', 'nothing/here')).status).toBe(404);
  });

  it('signals an entity and reads its state', async () => {
    const box = new df.EntityId('DurCli_Box', 'b1');
    await h.client.signalEntity(box, 'put', { colour: 'teal' });
    await h.engine.whenIdle();
    expect(await h.client.readEntityState(box)).toEqual({
      entityExists: true,
      entityState: { colour: 'teal' },
    });
  });

  it('filters instances by status and creation time across continuation pages', async () => {
    for (let i = 0; i < 105; i++)
      await h.client.startNew('durCli_waiter', { instanceId: `page-${String(i).padStart(3, '0')}` });
    await h.engine.whenIdle();
    await h.clock.advance(60_000);
    await h.client.startNew('durCli_waiter', { instanceId: 'later' });
    await h.engine.whenIdle();
    await h.client.raiseEvent('page-000', 'Go', null);
    await h.engine.whenIdle();

    const running = await h.client.getStatusBy({ runtimeStatus: [df.OrchestrationRuntimeStatus.Running] });
    expect(running).toHaveLength(105);
    const early = await h.client.getStatusBy({ createdTimeTo: new Date(T0 + 1000) });
    expect(early).toHaveLength(105);
    expect(early.map((s) => s.instanceId)).not.toContain('later');
    const completed = await h.client.getStatusBy({
      runtimeStatus: [df.OrchestrationRuntimeStatus.Completed],
    });
    expect(completed.map((s) => s.instanceId)).toEqual(['page-000']);
  });

  it('fills a durableClient extra input of an activity so it can start orchestrations', async () => {
    const id = await h.client.startNew('durCli_spawner');
    await h.engine.whenIdle();
    expect((await h.client.getStatus(id)).output).toBe('spawned-1');
    expect(await h.client.getStatus('spawned-1')).toMatchObject({
      runtimeStatus: 'Running',
      input: 'from activity',
    });
  });
});
