import type { LocalClient, Reply } from '../../cli/client';
import { advanceProgress, commands } from '../../cli/commands';

const reply = (body: unknown): Reply => ({ status: 200, headers: new Headers(), body, text: '' });
const START = Date.parse('2026-11-25T00:00:00Z');
const DAY = 86_400_000;

describe('cli advance', () => {
  afterEach(() => jest.useRealTimers());

  it('prints progress while a long advance runs, then the final clock', async () => {
    // Given a host whose advance of 20 days takes 3.5 s, its clock moving 5 days a second
    jest.useFakeTimers();
    let now = START;
    let finish: (r: Reply) => void = () => undefined;
    const client: LocalClient = {
      baseUrl: 'http://127.0.0.1:7503',
      admin: async (method) => {
        if (method === 'GET') return reply({ now: new Date(now).toISOString() });
        return new Promise<Reply>((resolve) => (finish = resolve));
      },
      api: async () => reply({}),
      token: async () => 't',
    };
    const printed: string[] = [];

    // When the CLI advances and the host works through it
    const done = commands['advance']?.(client, ['20d'], {}, (t) => printed.push(t));
    for (let s = 1; s <= 3; s += 1) {
      now = START + s * 5 * DAY;
      await jest.advanceTimersByTimeAsync(1_000);
    }
    finish(reply({ now: new Date(START + 20 * DAY).toISOString() }));
    await done;

    // Then it printed where the clock was each second, and the result
    expect(printed.slice(0, 3)).toEqual([
      'advancing: 2026-11-30T00:00:00.000Z (5d of 20d, 25%)',
      'advancing: 2026-12-05T00:00:00.000Z (10d of 20d, 50%)',
      'advancing: 2026-12-10T00:00:00.000Z (15d of 20d, 75%)',
    ]);
    expect(printed.at(-1)).toContain('2026-12-15T00:00:00.000Z');
  });

  it('formats short advances in minutes', () => {
    expect(advanceProgress(START, START + 30 * 60_000, 6 * 3_600_000)).toBe(
      'advancing: 2026-11-25T00:30:00.000Z (30m of 360m, 8%)',
    );
  });
});
