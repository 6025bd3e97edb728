import { faulty, memoryQuarantineRepository } from '../support/memory';

const item = {
  key: 'T-1:SETTLED',
  source: 'REALTIME' as const,
  reason: 'MESSAGE.INVALID',
  detail: 'bad',
  raw: {},
  receivedAt: '2026-11-25T00:00:00.000Z',
};

describe('faulty in-memory repositories', () => {
  it('given failNext, then exactly the chosen calls reject and the repository works afterwards', async () => {
    const quarantine = faulty(memoryQuarantineRepository());
    quarantine.failNext('put', new Error('503 from storage'), 2);

    await expect(quarantine.put(item)).rejects.toThrow('503 from storage');
    await expect(quarantine.put(item)).rejects.toThrow('503 from storage');
    expect(await quarantine.put(item)).toBe('CREATED');
    expect(await quarantine.put(item)).toBe('ALREADY_DONE');
    expect((await quarantine.list({ limit: 5 })).items).toHaveLength(1);
  });

  it('leaves other methods alone', async () => {
    const quarantine = faulty(memoryQuarantineRepository());
    quarantine.failNext('put');
    expect(await quarantine.list({ limit: 5 })).toEqual({ items: [] });
    await expect(quarantine.put(item)).rejects.toThrow('injected transient fault');
  });
});
