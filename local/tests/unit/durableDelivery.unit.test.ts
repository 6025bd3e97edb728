import fc from 'fast-check';
import { createDelivery, interleave, parseDelivery, seededRandom } from '../../durable/delivery';
import type { QueuedEntityMessage } from '../../durable/store';
import { parseRuntimeOptions } from '../../host/options';
import { deliveryArgs } from '../../host/spawnRuntime';

const queued = (seq: number, sender?: string, redelivered?: boolean): QueuedEntityMessage => ({
  seq,
  entityId: '@e@k',
  message: { requestId: `r${seq}`, op: 'op', signal: true, sender, redelivered },
});

describe('entity message delivery', () => {
  it('interleaves keeping each sender’s own order, and loses or invents nothing', () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.constantFrom('o1', 'o2', 'o3'), { nil: undefined }), { maxLength: 40 }),
        fc.integer(),
        (senders, seed) => {
          const items = senders.map((sender, seq) => ({ seq, sender }));
          const out = interleave(items, (i) => i.sender, seededRandom(seed));
          expect([...out].sort((a, b) => a.seq - b.seq)).toEqual(items);
          for (const sender of ['o1', 'o2', 'o3']) {
            const lane = out.filter((i) => i.sender === sender).map((i) => i.seq);
            expect(lane).toEqual([...lane].sort((a, b) => a - b));
          }
        },
      ),
    );
  });

  it('reaches every interleaving of client signals (uniformly: each of 3! orders about 1/6 of the time)', () => {
    const random = seededRandom(7);
    const counts = new Map<string, number>();
    for (let i = 0; i < 6000; i++) {
      const order = interleave([1, 2, 3], () => undefined, random).join('');
      counts.set(order, (counts.get(order) ?? 0) + 1);
    }
    expect(counts.size).toBe(6);
    for (const n of counts.values()) expect(n).toBeGreaterThan(800);
  });

  it('fifo delivers the first batch in send order, once', () => {
    const delivery = createDelivery();
    const all = [queued(1), queued(2, 'o1'), queued(3)];
    expect(delivery.window(2)).toBe(2);
    expect(delivery.pick(all, 2)).toEqual(all.slice(0, 2));
    expect(delivery.redeliver(all)).toEqual([]);
    expect(delivery.holdMs()).toBe(0);
  });

  it('adversarial picks a batch of 1..batchSize from a wider window and redelivers client signals only, once', () => {
    const delivery = createDelivery({ mode: 'adversarial', seed: 42, duplicateProbability: 0.5 });
    expect(delivery.window(50)).toBe(200);
    const all = Array.from({ length: 30 }, (_, i) => queued(i, i % 3 === 0 ? 'orch' : undefined));
    const sizes = new Set<number>();
    let overtook = false;
    for (let n = 0; n < 200; n++) {
      const batch = delivery.pick(all, 10);
      sizes.add(batch.length);
      expect(batch.length).toBeGreaterThanOrEqual(1);
      expect(batch.length).toBeLessThanOrEqual(10);
      const orch = batch.filter((q) => q.message.sender === 'orch').map((q) => q.seq);
      // the orchestration's messages: a prefix of its own, in order
      expect(orch).toEqual(
        all
          .filter((q) => q.message.sender === 'orch')
          .slice(0, orch.length)
          .map((q) => q.seq),
      );
      if (batch.some((q, i) => q.seq !== i)) overtook = true;
    }
    expect(sizes.size).toBeGreaterThan(5);
    expect(overtook).toBe(true);
    const again = delivery.redeliver(all);
    expect(again.length).toBeGreaterThan(0);
    expect(again.every((q) => q.message.sender === undefined)).toBe(true);
    expect(delivery.redeliver(all.map((q) => queued(q.seq, undefined, true)))).toEqual([]);
  });

  it('is reproducible from its seed', () => {
    const run = (seed: number) => {
      const delivery = createDelivery({ mode: 'adversarial', seed });
      const all = Array.from({ length: 20 }, (_, i) => queued(i));
      return Array.from({ length: 10 }, () => [
        delivery.pick(all, 5).map((q) => q.seq),
        delivery.redeliver(all).map((q) => q.seq),
        delivery.holdMs(),
      ]);
    };
    expect(run(9)).toEqual(run(9));
    expect(run(9)).not.toEqual(run(10));
  });

  it('parses --delivery and --seed with readable errors', () => {
    expect(parseDelivery('fifo', undefined)).toEqual({ mode: 'fifo' });
    expect(parseDelivery('adversarial', '17')).toEqual({ mode: 'adversarial', seed: 17 });
    const random = parseDelivery('adversarial', undefined);
    expect(random).toMatchObject({ mode: 'adversarial', seed: expect.any(Number) });
    expect(() => parseDelivery('chaos', undefined)).toThrow('--delivery must be "fifo" or "adversarial"');
    expect(() => parseDelivery('adversarial', '-3')).toThrow('--seed must be an integer');
    expect(() => parseDelivery('fifo', '3')).toThrow('--seed applies to --delivery adversarial only');
    expect(parseRuntimeOptions(['--delivery', 'adversarial', '--seed', '5'], {})?.delivery).toEqual({
      mode: 'adversarial',
      seed: 5,
    });
    expect(
      parseRuntimeOptions([], { LOCAL_DELIVERY: 'adversarial', LOCAL_DELIVERY_SEED: '8' })?.delivery,
    ).toEqual({
      mode: 'adversarial',
      seed: 8,
    });
    expect(parseRuntimeOptions([], {})?.delivery).toEqual({ mode: 'fifo' });
    expect(deliveryArgs({ mode: 'adversarial', seed: 5 })).toEqual([
      '--delivery',
      'adversarial',
      '--seed',
      '5',
    ]);
    expect(deliveryArgs({ mode: 'fifo' })).toEqual([]);
    expect(() => createDelivery({ mode: 'adversarial', seed: 1, duplicateProbability: 1 })).toThrow(
      'duplicateProbability must be in [0, 1)',
    );
  });
});
