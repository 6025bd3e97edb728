import type { LocalClient, Reply } from '../../cli/client';
import { runDemo, usedBy } from '../../cli/demo';

const reply = (body: unknown): Reply => ({ status: 200, headers: new Headers(), body, text: '' });

function client(feeds: unknown[], counts: Record<string, number>) {
  const calls: string[] = [];
  const c: LocalClient = {
    baseUrl: 'http://127.0.0.1:7502',
    admin: async (method, path) => {
      calls.push(`${method} ${path}`);
      return reply({ mode: 'virtual', now: '2026-11-25T00:00:00Z' });
    },
    api: async (_method, path) => reply(path.startsWith('/api/ops/feeds') ? { items: feeds } : { counts }),
    token: async () => 't',
  };
  return { c, calls };
}

describe('cli demo on a used data dir', () => {
  it('refuses at the start, before advancing the clock, saying why and what to do', async () => {
    const { c, calls } = client([{ businessDate: '2026-12-20' }], { COMPLETE: 4 });
    await expect(
      runDemo(c, () => undefined, { zone: 'Australia/Sydney', feedStartDate: '2026-11-25' }),
    ).rejects.toThrow(
      /fresh data dir: it already holds 4 enrolled member\(s\) and feed runs up to 2026-12-20.*VERSION_CONFLICT.*--data-dir/,
    );
    expect(calls).toEqual(['GET /_local/clock']);
  });

  it('takes a fresh data dir as fresh', async () => {
    expect(await usedBy(client([], { ENROLLED: 0 }).c)).toBeUndefined();
    expect(await usedBy(client([{ businessDate: '2026-11-25' }], {}).c)).toMatch(
      /feed runs up to 2026-11-25/,
    );
  });
});
