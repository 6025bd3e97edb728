import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnRuntime } from '../../host/spawnRuntime';

/** The repository root (the app's folder), where `npm start` runs; the toy app lives in this package. */
const ROOT = join(__dirname, '../../..');
const TOY_APP = join(__dirname, '../fixtures/toy-app/index.js');
const TOY_ENV = { TOY_QUEUE: 'toy-queue', TOY_SCHEDULE: '0 0 0 * * *' };
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'host-start-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('npm start (local/start.ts)', () => {
  it('exits with code 3 and names the port and the flag when a port is taken', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const { port } = blocker.address() as { port: number };
    try {
      const run = spawnSync(
        process.execPath,
        [
          '--import',
          'tsx',
          join(ROOT, 'local/start.ts'),
          '--app',
          TOY_APP,
          '--data-dir',
          dir,
          '--port',
          String(port),
        ],
        { cwd: ROOT, encoding: 'utf8', timeout: 20_000 },
      );
      expect(run.status).toBe(3);
      expect(run.stderr).toContain(`port ${port} (Functions host) is already in use`);
      expect(run.stderr).toContain('--port');
    } finally {
      blocker.close();
    }
  }, 25_000);

  it('survives kill -9: the message in flight is delivered again and virtual time resumes', async () => {
    const runtime = await spawnRuntime({
      dataDir: dir,
      app: TOY_APP,
      clock: 'virtual=2026-11-25T00:00:00Z',
      env: TOY_ENV,
    });
    const { client } = runtime;
    try {
      expect((await client.admin('POST', '/_local/clock/advance', { by: '6h' })).body).toMatchObject({
        now: '2026-11-25T06:00:00.000Z',
      });
      await client.admin('POST', '/_local/queues/toy-queue/messages', {
        body: { id: 'crash', hangOnFirstDelivery: true },
        messageId: 'crash-1',
      });
      await runtime.waitFor(/hanging on crash-1/);
      await runtime.kill9();

      await runtime.restart();
      await runtime.waitFor(/toyQueue \(serviceBusTrigger\) ok in [\d.]+ ms messageId=crash-1 delivery=2/);
      expect(runtime.output()).toContain('1 message(s) in flight at the last stop will be delivered again');
      expect((await client.admin('GET', '/_local/clock')).body).toMatchObject({
        mode: 'virtual',
        now: '2026-11-25T06:00:00.000Z',
      });
      // the app's own `new Date()` / `Date.now()` follow the virtual clock
      expect((await client.api('GET', '/api/now')).body).toEqual({
        now: '2026-11-25T06:00:00.000Z',
        nowMs: Date.parse('2026-11-25T06:00:00.000Z'),
      });
      const topic = (await client.admin('GET', '/_local/topics/toy-events/messages')).body as {
        messageId: string;
      }[];
      expect(topic.map((m) => m.messageId)).toEqual(['crash:done']);

      // a second runtime on the same data dir is refused (the lock left by the killed one was taken over)
      const second = spawnSync(
        process.execPath,
        ['--import', 'tsx', join(ROOT, 'local/start.ts'), '--app', TOY_APP, '--data-dir', dir].concat([
          '--port',
          '0',
          '--azurite-port',
          '0',
          '--cosmos-port',
          '0',
          '--no-points',
        ]),
        { cwd: ROOT, encoding: 'utf8', timeout: 20_000, env: { ...process.env, ...TOY_ENV } },
      );
      expect(second.status).toBe(4);
      expect(second.stderr).toContain(`data dir ${dir} is in use by the runtime with process id`);
    } finally {
      expect(await runtime.stop()).toBe(0);
    }
    expect(runtime.output()).toContain('stopped');
  }, 28_000);
});
