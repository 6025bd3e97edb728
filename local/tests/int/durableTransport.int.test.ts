import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import * as df from 'durable-functions';
import type { EntityContext, OrchestrationContext } from 'durable-functions';
import { virtualClock } from '../../clock';
import { createDurableEngine, type DurableEngine } from '../../durable/engine';
import { clientFor } from '../../durable/testing/harness';
import { currentRegistry } from '../../functionsCore';
import { installInProcessDurableClient } from '../../host/durableTransport';

df.app.orchestration('inproc_waiter', function* (context: OrchestrationContext) {
  const value: unknown = yield context.df.waitForExternalEvent('Go');
  return value;
});
df.app.entity('InProc_Box', (context: EntityContext<unknown>) => {
  if (context.df.operationName === 'put') context.df.setState(context.df.getInput());
});

// the axios durable-functions loads, as the runtime patches it
// eslint-disable-next-line @typescript-eslint/no-require-imports
const axios = require(
  require.resolve('axios', { paths: [dirname(require.resolve('durable-functions/package.json'))] }),
) as typeof import('axios').default;

// Nothing listens on the discard port: every answer below can only have come from the in-process path.
const DEAD_BASE_URL = 'http://127.0.0.1:9';

describe('in-process durable client transport (local/host/durableTransport.ts)', () => {
  let engine: DurableEngine;
  let uninstall: () => void;
  let other: Server;
  let otherUrl: string;

  beforeAll(async () => {
    process.env.WEBSITE_HOSTNAME = '127.0.0.1:9';
    other = createServer((req, res) =>
      res.writeHead(200, { 'content-type': 'text/plain' }).end(`saw ${req.url}`),
    );
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    otherUrl = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => other.close(() => resolve()));
  });
  beforeEach(async () => {
    engine = createDurableEngine({
      registry: currentRegistry(),
      dbPath: ':memory:',
      clock: virtualClock(Date.UTC(2026, 10, 1)),
      baseUrl: DEAD_BASE_URL,
      log: () => undefined,
    });
    await engine.start();
    uninstall = installInProcessDurableClient(DEAD_BASE_URL, engine);
  });
  afterEach(async () => {
    uninstall();
    await engine.stop();
  });

  it('serves df.getClient() calls to the host origin without a socket', async () => {
    const client = clientFor(engine);
    await client.startNew('inproc_waiter', { instanceId: 'w-1' });
    await engine.whenIdle();
    expect(await client.getStatus('w-1')).toMatchObject({ runtimeStatus: 'Running' });
    await client.raiseEvent('w-1', 'Go', { n: 7 });
    const box = new df.EntityId('InProc_Box', 'b');
    await client.signalEntity(box, 'put', { colour: 'teal' });
    await engine.whenIdle();
    expect(await client.getStatus('w-1')).toMatchObject({ runtimeStatus: 'Completed', output: { n: 7 } });
    expect(await client.readEntityState(box)).toEqual({
      entityExists: true,
      entityState: { colour: 'teal' },
    });
    expect(await client.readEntityState(new df.EntityId('InProc_Box', 'none'))).toEqual({
      entityExists: false,
      entityState: undefined,
    });
  });

  it("answers as axios's HTTP adapter would: status, lower-case headers, JSON body, validateStatus", async () => {
    const client = clientFor(engine);
    await client.startNew('inproc_waiter', { instanceId: 'w-2' });
    const url = `${DEAD_BASE_URL}/runtime/webhooks/durabletask/instances/w-2?taskHub=x`;
    const ok = await axios.get(url);
    expect(ok.status).toBe(202); // a running instance, as Azure answers
    expect(ok.headers['content-type']).toMatch(/^application\/json/);
    expect(ok.data).toMatchObject({ instanceId: 'w-2', runtimeStatus: expect.any(String) });

    const missing = `${DEAD_BASE_URL}/runtime/webhooks/durabletask/instances/nope`;
    await expect(axios.get(missing)).rejects.toMatchObject({ response: { status: 404 } });
    await expect(client.getStatus('nope')).rejects.toThrow(/404/);
    expect((await axios.get(missing, { validateStatus: () => true })).status).toBe(404);
  });

  it('leaves every other URL to the HTTP adapter', async () => {
    const res = await axios.get(`${otherUrl}/runtime/webhooks/durabletask/instances/x`);
    expect(res.data).toBe('saw /runtime/webhooks/durabletask/instances/x');
  });

  it('uninstalls: the host origin is then reached over the network again', async () => {
    uninstall();
    uninstall = () => undefined;
    await expect(
      axios.get(`${DEAD_BASE_URL}/runtime/webhooks/durabletask/instances/x`),
    ).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });
  });
});
