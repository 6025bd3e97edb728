import * as df from 'durable-functions';
import type { EntityContext, OrchestrationContext } from 'durable-functions';
import type { DeliveryOptions } from '../../durable/delivery';
import { durableHarness, type Harness } from '../../durable/testing/harness';

// Delivery modes (local/durable/README.md § Delivery): what an entity sees of client signals and of
// messages from orchestrations, in order and adversarially.

df.app.entity('DurDel_Log', (context: EntityContext<string[]>) => {
  context.df.setState([...(context.df.getState(() => []) ?? []), String(context.df.getInput())]);
});
df.app.orchestration('durDel_sender', function* (context: OrchestrationContext) {
  const name = context.df.getInput() as string;
  for (let i = 0; i < 15; i++)
    context.df.signalEntity(new df.EntityId('DurDel_Log', 'k'), 'log', `${name}-${i}`);
  yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 1000));
  return 'sent';
});

async function run(
  delivery: DeliveryOptions,
): Promise<{ log: string[]; stats: Harness['engine']; lines: string[] }> {
  const h = await durableHarness({ delivery });
  try {
    const entity = new df.EntityId('DurDel_Log', 'k');
    await h.client.startNew('durDel_sender', { instanceId: 'A', input: 'A' });
    await h.client.startNew('durDel_sender', { instanceId: 'B', input: 'B' });
    await Promise.all(Array.from({ length: 40 }, (_, i) => h.client.signalEntity(entity, 'log', `c-${i}`)));
    await h.engine.whenIdle();
    const state = await h.client.readEntityState<string[]>(entity);
    return { log: state.entityState ?? [], stats: h.engine, lines: h.lines };
  } finally {
    await h.close();
  }
}

const lane = (log: string[], prefix: string) => log.filter((x) => x.startsWith(`${prefix}-`));
const inOrder = (xs: string[]) =>
  xs.every((x, i) => i === 0 || Number(x.split('-')[1]) > Number(xs[i - 1]!.split('-')[1]));

describe('entity message delivery', () => {
  it('fifo: every message once, client signals in the order they were sent', async () => {
    const { log } = await run({ mode: 'fifo' });
    expect(log).toHaveLength(70);
    expect(lane(log, 'c')).toEqual(Array.from({ length: 40 }, (_, i) => `c-${i}`));
    expect(inOrder(lane(log, 'A')) && inOrder(lane(log, 'B'))).toBe(true);
  });

  it('adversarial: each orchestration’s messages in order and once; client signals shuffled, some twice', async () => {
    const seed = 20261202;
    const { log, stats, lines } = await run({
      mode: 'adversarial',
      seed,
      duplicateProbability: 0.3,
      maxHoldMs: 2,
    });
    expect(lines).toContain(
      'durable engine: entity message delivery adversarial (seed 20261202, duplicates 0.3, hold ≤ 2 ms)',
    );
    for (const sender of ['A', 'B']) {
      expect({ seed, lane: lane(log, sender) }).toEqual({
        seed,
        lane: Array.from({ length: 15 }, (_, i) => `${sender}-${i}`),
      });
    }
    const clients = lane(log, 'c');
    expect(new Set(clients)).toEqual(new Set(Array.from({ length: 40 }, (_, i) => `c-${i}`)));
    expect({ seed, duplicated: clients.length > 40, shuffled: !inOrder(clients) }).toEqual({
      seed,
      duplicated: true,
      shuffled: true,
    });
    const { total } = stats.stats();
    expect(total.entityMessagesRedelivered).toBe(clients.length - 40);
    expect(total.entityMessagesOvertaking).toBeGreaterThan(0);
  });
});
