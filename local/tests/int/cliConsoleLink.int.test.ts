import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commands } from '../../cli/commands';
import { printConsoleLinks } from '../../cli/demo';
import { spawnRuntime, type SpawnedRuntime } from '../../host/spawnRuntime';

/**
 * The console's sign-in links as the CLI prints them (`console-link`, and the demo's closing lines),
 * followed against a running runtime: the link's dev token is accepted at `/.auth/login/dev`, becomes the
 * session cookie, and the identity edge turns that cookie into the principal the link was for. The toy app's
 * `GET /api/hello` echoes the principal the edge wrote.
 */
jest.setTimeout(120_000);

const TOY_APP = join(__dirname, '../fixtures/toy-app/index.js');
const TOY_ENV = { TOY_QUEUE: 'toy-queue', TOY_SCHEDULE: '0 0 0 * * *' };
let dir: string;
let runtime: SpawnedRuntime;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cli-console-link-'));
  runtime = await spawnRuntime({
    dataDir: dir,
    app: TOY_APP,
    clock: 'virtual=2026-11-25T00:00:00Z',
    env: TOY_ENV,
  });
});
afterAll(async () => {
  await runtime?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function printed(flags: Record<string, string | boolean>): Promise<string[]> {
  const lines: string[] = [];
  await commands['console-link']?.(runtime.client, [], flags, (line) => lines.push(line));
  return lines;
}

interface SignedIn {
  to: string;
  principalId: string | null;
  roles: string[];
}

/** Opens the link as a browser does (no redirect followed), then calls the app with the cookie it set. */
async function signIn(link: string): Promise<SignedIn> {
  const res = await fetch(link, { redirect: 'manual' });
  expect(res.status).toBe(302);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  expect(cookie).toMatch(/^AppServiceAuthSession=cmadev\./);
  const echoed = (await (await fetch(`${runtime.baseUrl}/api/hello`, { headers: { cookie } })).json()) as {
    principal: string | null;
    principalId: string | null;
  };
  const claims = echoed.principal
    ? (
        JSON.parse(Buffer.from(echoed.principal, 'base64').toString('utf8')) as {
          claims: { typ: string; val: string }[];
        }
      ).claims
    : [];
  return {
    to: res.headers.get('location') ?? '',
    principalId: echoed.principalId,
    roles: claims.filter((c) => c.typ === 'roles').map((c) => c.val),
  };
}

describe('npm run cli -- console-link', () => {
  it('prints one link for ops that signs in with the ops role and lands on the ops console', async () => {
    const lines = await printed({ ops: true });
    expect(lines).toHaveLength(1);
    const link = new URL(lines[0] ?? '');
    expect(`${link.origin}${link.pathname}`).toBe(`${runtime.baseUrl}/.auth/login/dev`);
    expect(await signIn(link.href)).toEqual({
      to: '/api/console/ops',
      principalId: 'ops-local',
      roles: ['ops'],
    });
  });

  it("prints a member's link that signs in as that member, without the ops role, onto the member view", async () => {
    const [line = ''] = await printed({ member: 'M-42' });
    expect(await signIn(line)).toEqual({ to: '/api/console/me', principalId: 'M-42', roles: [] });
  });

  it('a link whose token is altered does not sign in (the check above can fail)', async () => {
    const [line = ''] = await printed({ ops: true });
    const link = new URL(line);
    link.searchParams.set('token', `${link.searchParams.get('token') ?? ''}x`);
    const res = await fetch(link.href, { redirect: 'manual' });
    expect(res.status).toBe(401);
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(((await res.json()) as { code: string }).code).toBe('AUTH.UNAUTHENTICATED');
  });

  it('refuses without --ops or --member', async () => {
    await expect(printed({})).rejects.toThrow(/console-link needs --ops or --member/);
  });
});

describe("the demo's closing links", () => {
  it('signs each demo member into their own view and ops into the console', async () => {
    const lines: string[] = [];
    await printConsoleLinks(runtime.client, ['DEMO-1', 'DEMO-2'], (line) => lines.push(line));
    const links = lines.flatMap((l) => /^ {2}(.+?): (http\S+)$/.exec(l)?.slice(1, 3) ?? []);
    expect(links.filter((_, i) => i % 2 === 0)).toEqual(['DEMO-1', 'DEMO-2', 'ops console']);
    const [, m1 = '', , m2 = '', , ops = ''] = links;
    expect(await signIn(m1)).toEqual({ to: '/api/console/me', principalId: 'DEMO-1', roles: [] });
    expect(await signIn(m2)).toEqual({ to: '/api/console/me', principalId: 'DEMO-2', roles: [] });
    expect(await signIn(ops)).toMatchObject({ to: '/api/console/ops', roles: ['ops'] });
  });
});
