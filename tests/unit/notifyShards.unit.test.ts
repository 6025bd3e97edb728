import fc from 'fast-check';
import {
  NOTIFY_SHARD_KEYS,
  NOTIFY_SHARDS,
  notifyDispatchInstanceId,
  notifyShardOf,
} from '../../src/durableNames';

// The shard a member maps to is part of the durable contract: every host and every deployment must compute
// the same one, or a member's notifications would be queued where no dispatch looks.
describe('notification outbox shards', () => {
  it('names NOTIFY_SHARDS shards shard-00 … shard-15, each with its own dispatch instance', () => {
    expect(NOTIFY_SHARDS).toBe(16);
    expect(NOTIFY_SHARD_KEYS[0]).toBe('shard-00');
    expect(NOTIFY_SHARD_KEYS.at(-1)).toBe('shard-15');
    expect(new Set(NOTIFY_SHARD_KEYS.map(notifyDispatchInstanceId)).size).toBe(16);
    expect(notifyDispatchInstanceId('shard-07')).toBe('notifyDispatch:shard-07');
  });

  it('maps a member id to the same known shard every time (FNV-1a, pinned values)', () => {
    expect(['M-1', 'M-2', 'M-3', 'M-4'].map(notifyShardOf)).toEqual([
      'shard-10',
      'shard-07',
      'shard-04',
      'shard-01',
    ]);
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 64 }), (id) => {
        const shard = notifyShardOf(id);
        expect(NOTIFY_SHARD_KEYS).toContain(shard);
        expect(notifyShardOf(id)).toBe(shard);
      }),
    );
  });

  it('spreads a cohort of member ids over every shard, none with more than twice its share', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 16_000; i += 1) {
      const shard = notifyShardOf(`M-${i}`);
      counts.set(shard, (counts.get(shard) ?? 0) + 1);
    }
    expect(counts.size).toBe(NOTIFY_SHARDS);
    expect(Math.max(...counts.values())).toBeLessThan(2_000);
    expect(Math.min(...counts.values())).toBeGreaterThan(500);
  });
});
