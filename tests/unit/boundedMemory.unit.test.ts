import { BoundedMemory } from '../../src/adapters/boundedMemory';

describe('BoundedMemory', () => {
  it('keeps at most its limit, forgetting the oldest first', () => {
    const memory = new BoundedMemory<number>(2);
    memory.remember('a', 1);
    memory.remember('b', 2);
    memory.remember('c', 3);
    expect([memory.get('a'), memory.get('b'), memory.get('c')]).toEqual([undefined, 2, 3]);
  });

  it('updates a known key in place without forgetting another', () => {
    const memory = new BoundedMemory<number>(2);
    memory.remember('a', 1);
    memory.remember('b', 2);
    memory.remember('a', 10);
    expect([memory.get('a'), memory.get('b')]).toEqual([10, 2]);
  });
});
