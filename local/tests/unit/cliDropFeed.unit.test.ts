import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LocalClient, Reply } from '../../cli/client';
import { commands, feedRunOutcome, UsageError } from '../../cli/commands';
import { isCalendarDate } from '../../host/feedDrop';

const reply = (status: number, body: unknown): Reply => ({
  status,
  headers: new Headers(),
  body,
  text: JSON.stringify(body),
});

/** A client that records calls and answers the feed date view given. */
function fakeClient(view: unknown) {
  const calls: string[] = [];
  const client: LocalClient = {
    baseUrl: 'http://127.0.0.1:7501',
    admin: async (method, path) => {
      calls.push(`${method} ${path}`);
      return reply(method === 'POST' ? 201 : 200, { ok: true });
    },
    api: async (method, path) => {
      calls.push(`${method} ${path}`);
      return reply(200, view);
    },
    token: async () => 'token',
  };
  return { client, calls };
}

const file = join(mkdtempSync(join(tmpdir(), 'drop-feed-')), 'f.csv');
writeFileSync(file, 'transaction_id\n');

describe('cli drop-feed', () => {
  it.each(['2027-13-45', '2027-02-29', '27-01-01', 'tomorrow'])(
    'refuses --date %s before writing anything',
    async (date) => {
      const { client, calls } = fakeClient({});
      await expect(commands['drop-feed']?.(client, [file], { date }, () => undefined)).rejects.toThrow(
        UsageError,
      );
      expect(calls).toEqual([]);
    },
  );

  it('refuses a version that is not a positive integer', async () => {
    const { client, calls } = fakeClient({});
    await expect(
      commands['drop-feed']?.(client, [file], { date: '2026-11-25', version: 'two' }, () => undefined),
    ).rejects.toThrow(/--version/);
    expect(calls).toEqual([]);
  });

  it('waits for the run and prints its outcome', async () => {
    const view = {
      runs: [
        { version: 2, status: 'COMPLETED', rowsRead: 3, applied: 2, rejected: { count: 1 } },
        { version: 1, status: 'REJECTED', reason: { code: 'CHECKSUM_MISMATCH', detail: 'sha256 differs' } },
      ],
    };
    const { client, calls } = fakeClient(view);
    const printed: string[] = [];
    await commands['drop-feed']?.(client, [file], { date: '2026-11-25', version: '2' }, (t) =>
      printed.push(t),
    );
    expect(calls).toEqual([
      'POST /_local/feeds',
      'GET /_local/idle?timeoutMs=300000',
      'GET /api/ops/feeds/2026-11-25',
    ]);
    expect(printed.at(-1)).toBe('run v2 COMPLETED: 3 rows read, 2 applied, 1 rejected (quarantined)');
    expect(feedRunOutcome(view, 1)).toBe('run v1 REJECTED: CHECKSUM_MISMATCH (sha256 differs)');
  });

  it('with --no-wait prints how to see the run instead', async () => {
    const { client, calls } = fakeClient({});
    const printed: string[] = [];
    await commands['drop-feed']?.(client, [file], { date: '2026-11-25', 'no-wait': true }, (t) =>
      printed.push(t),
    );
    expect(calls).toEqual(['POST /_local/feeds']);
    expect(printed.at(-1)).toMatch(/\/api\/ops\/feeds\/2026-11-25$/);
  });

  it('knows calendar dates', () => {
    expect(['2028-02-29', '2026-12-31', '2026-01-01'].map(isCalendarDate)).toEqual([true, true, true]);
    expect(['2026-02-29', '2026-04-31', '2026-00-10', '2026-1-01'].map(isCalendarDate)).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });
});
