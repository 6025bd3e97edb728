import * as df from 'durable-functions';
import type { OrchestrationContext } from 'durable-functions';
import { realClock } from '../../clock';
import { currentRegistry } from '../../functionsCore';
import { createDurableEngine, type DurableEngine } from '../../durable';
import { clientFor, serveWebhooks, type WebhookServer } from '../../durable/testing/harness';

// Activities that wait on a gate, to observe how many run at once.
let inFlight = 0;
let peak = 0;
let openGate: () => void = () => undefined;
let gate: Promise<void> = Promise.resolve();
const closeGate = (): void => void (gate = new Promise<void>((resolve) => (openGate = resolve)));

df.app.activity('durReal_gated', {
  handler: async (n: unknown) => {
    inFlight++;
    peak = Math.max(peak, inFlight);
    await gate;
    inFlight--;
    return n;
  },
});
df.app.orchestration('durReal_fan', function* (context: OrchestrationContext) {
  const results: unknown = yield context.df.Task.all(
    Array.from({ length: 25 }, (_, i) => context.df.callActivity('durReal_gated', i)),
  );
  return (results as number[]).length;
});
df.app.orchestration('durReal_shortTimer', function* (context: OrchestrationContext) {
  yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 30));
  return 'woke';
});

async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200 && !(await check()); i++) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe('durable engine on the real clock', () => {
  let server: WebhookServer;
  let engine: DurableEngine;
  beforeEach(async () => {
    server = await serveWebhooks();
    process.env.WEBSITE_HOSTNAME = server.baseUrl.replace('http://', '');
    engine = createDurableEngine({
      registry: currentRegistry(),
      dbPath: ':memory:',
      clock: realClock(),
      baseUrl: server.baseUrl,
      log: () => undefined,
      maxConcurrentActivities: 4,
    });
    server.use(engine);
    await engine.start();
  });
  afterEach(async () => {
    openGate();
    await engine.stop();
    await server.close();
  });

  it('fires a short durable timer in real time', async () => {
    const client = clientFor(engine);
    const id = await client.startNew('durReal_shortTimer');
    await until(async () => (await client.getStatus(id)).runtimeStatus === 'Completed');
    expect((await client.getStatus(id)).output).toBe('woke');
  });

  it('never runs more activities at once than allowed', async () => {
    closeGate();
    const client = clientFor(engine);
    const id = await client.startNew('durReal_fan');
    await until(async () => Promise.resolve(inFlight === 4));
    expect(inFlight).toBe(4);
    openGate();
    await engine.whenIdle();
    expect((await client.getStatus(id)).output).toBe(25);
    expect(peak).toBe(4);
  });
});
