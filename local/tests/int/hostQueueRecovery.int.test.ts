import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { virtualClock } from '../../clock';
import type { RegisteredFunction } from '../../functionsCore';
import { Registry } from '../../functionsCore';
import { createInvoker } from '../../host/invoke';
import { QueueStore } from '../../host/queueStore';
import { ServiceBusTriggers } from '../../host/serviceBusTrigger';
import { openDb } from '../../host/sqlite';

const START = Date.parse('2026-11-25T00:00:00Z');
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'host-queue-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function queueFunction(handler: RegisteredFunction['handler']): Registry {
  const registry = new Registry();
  registry.functions.push({
    name: 'onTransaction',
    bindings: {
      msg: {
        type: 'serviceBusTrigger',
        direction: 'in',
        queueName: 'card-transactions',
        connection: 'ServiceBusConnection',
      },
    },
    trigger: {
      type: 'serviceBusTrigger',
      direction: 'in',
      queueName: 'card-transactions',
      connection: 'ServiceBusConnection',
      name: 'msg',
    },
    handler,
  });
  return registry;
}

describe('local Service Bus queue across a crash', () => {
  it('delivers a message that was in flight when the process died again, with its delivery count raised', async () => {
    const path = join(dir, 'host.sqlite');
    // first life: the message is taken (locked, delivery 1) and the process dies before completing it
    const first = openDb(path);
    const store = new QueueStore(first);
    store.enqueue(
      'card-transactions',
      { messageId: 'T-1:SETTLED', body: '{"transactionId":"T-1"}' },
      START,
      Date.now(),
    );
    expect(store.lease('card-transactions', 16, Date.now()).map((m) => m.deliveryCount)).toEqual([1]);
    first.close();

    // second life: a new host on the same file
    const db = openDb(path);
    const seen: { body: unknown; meta: Record<string, unknown> }[] = [];
    const registry = queueFunction(async (body, ctx) => {
      seen.push({ body, meta: (ctx as { triggerMetadata: Record<string, unknown> }).triggerMetadata });
    });
    const clock = virtualClock(START + 60_000);
    const lines: string[] = [];
    const triggers = new ServiceBusTriggers(registry.functions, {
      store: new QueueStore(db),
      invoker: createInvoker(registry, (l) => lines.push(l)),
      clock,
      log: (l) => lines.push(l),
    });
    triggers.start();
    await triggers.whenIdle();
    await triggers.stop();
    db.close();

    expect(seen).toEqual([
      {
        body: { transactionId: 'T-1' },
        meta: expect.objectContaining({
          messageId: 'T-1:SETTLED',
          deliveryCount: 2,
          enqueuedTimeUtc: '2026-11-25T00:00:00.000Z',
        }),
      },
    ]);
    expect(
      lines.some((l) => l.includes('1 message(s) in flight at the last stop will be delivered again')),
    ).toBe(true);
  });

  it('keeps an undelivered message through a restart and counts nothing twice once completed', async () => {
    const path = join(dir, 'host.sqlite');
    const first = openDb(path);
    new QueueStore(first).enqueue('card-transactions', { body: 'not json' }, START, Date.now());
    first.close();

    const db = openDb(path);
    const store = new QueueStore(db);
    const bodies: unknown[] = [];
    const registry = queueFunction(async (body) => void bodies.push(body));
    const triggers = new ServiceBusTriggers(registry.functions, {
      store,
      invoker: createInvoker(registry, () => undefined),
      clock: virtualClock(START),
      log: () => undefined,
    });
    triggers.start();
    await triggers.whenIdle();
    await triggers.stop();
    expect(bodies).toEqual(['not json']);
    expect(store.hasPending('card-transactions')).toBe(false);
    db.close();
  });
});

describe('local Service Bus redelivery on a loaded machine', () => {
  it('delivers a failed message again when its redelivery delay passes before the next wake-up is set', async () => {
    const db = openDb(join(dir, 'host.sqlite'));
    // A lease that finds nothing takes longer than the redelivery delay, as under load: the abandoned
    // message becomes visible between the lease and the wake-up, with no delivery left in flight to pump.
    class SlowStore extends QueueStore {
      override lease(queue: string, max: number, nowWallMs: number): ReturnType<QueueStore['lease']> {
        const leased = super.lease(queue, max, nowWallMs);
        if (leased.length === 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
        return leased;
      }
    }
    const store = new SlowStore(db);
    const deliveries: number[] = [];
    const registry = queueFunction(async (_body, ctx) => {
      const count = (ctx as { triggerMetadata: { deliveryCount: number } }).triggerMetadata.deliveryCount;
      deliveries.push(count);
      if (count < 3) throw new Error(`fails delivery ${count}`);
    });
    const triggers = new ServiceBusTriggers(registry.functions, {
      store,
      invoker: createInvoker(registry, () => undefined),
      clock: virtualClock(START),
      log: () => undefined,
      redeliveryDelayMs: 5,
    });
    triggers.start();
    triggers.publish('card-transactions', { messageId: 'T-9:SETTLED', body: '{}' });
    const settled = await Promise.race([
      triggers.whenIdle().then(() => true),
      new Promise<boolean>((r) => setTimeout(() => r(false), 5_000)),
    ]);
    await triggers.stop();
    db.close();
    expect({ settled, deliveries }).toEqual({ settled: true, deliveries: [1, 2, 3] });
  });
});
