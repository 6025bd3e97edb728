import { BlobServiceClient } from '@azure/storage-blob';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { virtualClock, type VirtualClock } from '../../clock';
import { createDurableEngine, type DurableEngine } from '../../durable';
import { startAzurite, type RunningAzurite } from '../../emulators/azurite';
import { currentRegistry } from '../../functionsCore';
import { ADMIN_KEY_HEADER } from '../../host/admin';
import { LocalNamespace } from '../../host/broker';
import { installInProcessDurableClient } from '../../host/durableTransport';
import { startHost, type RunningHost } from '../../host/host';
import { createServiceBusModule } from '../../host/serviceBusShim';
import { loadOrCreateAdminKey } from '../../host/secrets';
import { openDb, type Db } from '../../host/sqlite';

interface ToyEvent {
  kind: string;
  [key: string]: unknown;
}

// Each case starts Azurite, the engine and the host in this process; on a loaded 2-core machine a case can
// take well over jest's default 5 s without anything being wrong, so the file allows two minutes per case and 45 s per wait for idle.
jest.setTimeout(120_000);

const START = Date.parse('2026-11-25T00:00:00Z');
const lines: string[] = [];
let dataDir: string;
let azurite: RunningAzurite;
let db: Db;
let clock: VirtualClock;
let engine: DurableEngine;
let host: RunningHost;
let uninstallTransport: (() => void) | undefined;
let events: ToyEvent[];
const savedEnv = { ...process.env };

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
  const { port } = probe.address() as { port: number };
  await new Promise((r) => probe.close(r));
  return port;
}

const admin = async (
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: unknown }> => {
  const res = await fetch(`${host.baseUrl}${path}`, {
    method,
    headers: { [ADMIN_KEY_HEADER]: host.adminKey, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, json: await res.json() };
};
const idle = async (): Promise<void> =>
  expect((await admin('GET', '/_local/idle?timeoutMs=45000')).status).toBe(200);
const eventsOf = (kind: string, id?: string): ToyEvent[] =>
  events.filter(
    (e) => e.kind === kind && (id === undefined || (e['message'] as { id?: string } | undefined)?.id === id),
  );

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'host-toy-'));
  azurite = await startAzurite(join(dataDir, 'azurite'), 0);
  const port = await freePort();
  Object.assign(process.env, {
    TOY_QUEUE: 'toy-queue',
    TOY_SCHEDULE: '0 */5 * * * *',
    LOCAL_BLOB_FILTER__toyManifest: '.manifest.json',
    FeedStorage: azurite.connectionString,
    ServiceBusConnection:
      'Endpoint=sb://local.servicebus.windows.net/;SharedAccessKeyName=x;SharedAccessKey=y',
    WEBSITE_HOSTNAME: `127.0.0.1:${port}`,
  });
  db = openDb(join(dataDir, 'host.sqlite'));
  clock = virtualClock(START);
  const namespace = new LocalNamespace(db, clock);
  // Jest's module registry bypasses Module.prototype.require, so the shim is supplied as a mock here.
  jest.doMock('@azure/service-bus', () => createServiceBusModule(namespace));
  // loaded after the mock and the environment are in place, as the worker loads an app
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  events = (require('../fixtures/toy-app/index.js') as { events: ToyEvent[] }).events;
  const registry = currentRegistry();
  const baseUrl = `http://127.0.0.1:${port}`;
  engine = createDurableEngine({
    registry,
    dbPath: join(dataDir, 'durable.sqlite'),
    clock,
    baseUrl,
    log: (l) => lines.push(l),
    systemKey: loadOrCreateAdminKey(dataDir),
  });
  await engine.start();
  // as the runtime does: the app's own durable client is served in process (Azure: the internal RPC
  // endpoint), so the socket's webhook routes can require the key
  uninstallTransport = installInProcessDurableClient(baseUrl, engine);
  host = await startHost({
    registry,
    namespace,
    db,
    dataDir,
    clock,
    engine,
    log: (l) => lines.push(l),
    port,
    redeliveryDelayMs: 5,
    blobPollIntervalMs: 60_000,
    virtualTimerMinIntervalMs: 0,
    bodyLimitBytes: 1024,
  });
}, 30_000);

afterAll(async () => {
  if (process.env['HOST_TEST_LOG']) console.log(lines.join('\n'));
  await host?.stop();
  uninstallTransport?.();
  await engine?.stop();
  db?.close();
  await azurite?.stop();
  rmSync(dataDir, { recursive: true, force: true });
  process.env = savedEnv;
});

describe('HTTP triggers', () => {
  it('matches route templates, optional parameters and query strings', async () => {
    const named = await fetch(`${host.baseUrl}/api/hello/bob?q=1`);
    expect(named.status).toBe(200);
    expect(await named.json()).toMatchObject({ name: 'bob', query: '1', principal: null });
    expect(await (await fetch(`${host.baseUrl}/api/HELLO`)).json()).toMatchObject({ name: 'world' });
  });

  it('answers 405 for a known route with another method, 404 for unknown routes, both as problem+json', async () => {
    const wrongMethod = await fetch(`${host.baseUrl}/api/hello/bob`, { method: 'DELETE' });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET');
    expect(wrongMethod.headers.get('content-type')).toBe('application/problem+json');
    expect(await wrongMethod.json()).toMatchObject({ status: 405, code: 'ROUTE.METHOD_NOT_ALLOWED' });
    const unknown = await fetch(`${host.baseUrl}/api/nothing/here`);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toBe('application/problem+json');
    expect(await unknown.json()).toMatchObject({ status: 404, code: 'ROUTE.NOT_FOUND', title: 'Not Found' });
  });

  it('answers 400 problem+json for a malformed percent-escape instead of failing', async () => {
    // Given a path whose escape does not decode (curl --path-as-is .../api/hello/%zz)
    const res = await fetch(`${host.baseUrl}/api/hello/%zz`);

    // Then the host answers a client error with a body, and nothing is logged as a failure
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(await res.json()).toMatchObject({ status: 400, code: 'REQUEST.MALFORMED_PATH' });
    expect(lines.some((l) => l.includes('URIError'))).toBe(false);
  });

  it('passes the body through and refuses bodies over the limit', async () => {
    const ok = await fetch(`${host.baseUrl}/api/echo`, { method: 'POST', body: 'ping' });
    expect(await ok.text()).toBe('ping');
    const tooLarge = await fetch(`${host.baseUrl}/api/echo`, { method: 'POST', body: 'x'.repeat(2048) });
    expect(tooLarge.status).toBe(413);
    expect(await tooLarge.json()).toMatchObject({ status: 413, code: 'REQUEST.TOO_LARGE' });
  });

  it('turns a handler failure into a bare 500 and logs the cause', async () => {
    const res = await fetch(`${host.baseUrl}/api/boom`);
    expect(res.status).toBe(500);
    expect(lines.some((l) => l.includes('boom (httpTrigger) ERROR') && l.includes('kaboom'))).toBe(true);
  });
});

describe('identity edge', () => {
  it('strips a spoofed principal and admits a minted dev token with its roles', async () => {
    const spoofed = Buffer.from(JSON.stringify({ claims: [{ typ: 'roles', val: 'ops' }] })).toString(
      'base64',
    );
    const anonymous = (await (
      await fetch(`${host.baseUrl}/api/hello`, {
        headers: { 'x-ms-client-principal': spoofed, 'x-ms-client-principal-id': 'M-666' },
      })
    ).json()) as Record<string, unknown>;
    expect(anonymous).toMatchObject({ principal: null, principalId: null });

    const { json } = await admin('POST', '/_local/tokens', { ops: true });
    const token = (json as { token: string }).token;
    const authed = (await (
      await fetch(`${host.baseUrl}/api/hello`, {
        headers: { authorization: `Bearer ${token}`, 'x-ms-client-principal': spoofed },
      })
    ).json()) as {
      principal: string;
      principalId: string;
    };
    const principal = JSON.parse(Buffer.from(authed.principal, 'base64').toString('utf8')) as {
      claims: { typ: string; val: string }[];
    };
    expect(authed.principalId).toBe('ops-local');
    expect(principal.claims).toContainEqual({ typ: 'roles', val: 'ops' });
  });

  it('gives no principal for a tampered token', async () => {
    const { json } = await admin('POST', '/_local/tokens', { member: 'M-1' });
    const [prefix, body, mac] = (json as { token: string }).token.split('.');
    const forged = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(body as string, 'base64url').toString()), roles: ['ops'] }),
    ).toString('base64url');
    const res = (await (
      await fetch(`${host.baseUrl}/api/hello`, {
        headers: { authorization: `Bearer ${prefix}.${forged}.${mac}` },
      })
    ).json()) as Record<string, unknown>;
    expect(res['principal']).toBeNull();
  });

  it('refuses the admin API without the data-dir admin key', async () => {
    expect(
      (await fetch(`${host.baseUrl}/_local/tokens`, { method: 'POST', body: '{"ops":true}' })).status,
    ).toBe(401);
  });
});

describe('Service Bus queue trigger', () => {
  it('refuses a 1 MB message on the admin API with 413 and publishes nothing of its batch', async () => {
    // Given a batch of one small and one 1 MB message
    const batch = [
      { messageId: 'size-ok', body: { id: 'size-ok' } },
      { messageId: 'size-big', body: { id: 'size-big', pad: 'x'.repeat(1024 * 1024) } },
    ];

    // When it is published
    const answer = await admin('POST', '/_local/queues/toy-queue/messages', batch);
    await idle();

    // Then it is refused as Service Bus Standard would (256 KB), and neither message was delivered
    expect(answer).toMatchObject({ status: 413, json: { code: 'MessageSizeExceeded' } });
    expect(eventsOf('queue', 'size-ok')).toEqual([]);
  });

  it('delivers a JSON body with the broker metadata and publishes through the shim with duplicate detection', async () => {
    await clock.advance(60_000);
    const sent = await admin('POST', '/_local/queues/toy-queue/messages', {
      body: { id: 'ok-1' },
      messageId: 'T-1:SETTLED',
      applicationProperties: { Source: 'test' },
    });
    expect(sent.status).toBe(202);
    await idle();
    const [delivery] = eventsOf('queue', 'ok-1');
    expect(delivery).toMatchObject({
      deliveryCount: 1,
      messageId: 'T-1:SETTLED',
      enqueuedTimeUtc: '2026-11-25T00:01:00.000Z',
      applicationProperties: { source: 'test' },
    });
    const topic = (await admin('GET', '/_local/topics/toy-events/messages')).json as {
      messageId: string;
      body: string;
    }[];
    expect(
      topic.filter((m) => m.messageId === 'ok-1:done').map((m) => JSON.parse(m.body) as unknown),
    ).toEqual([{ id: 'ok-1', at: '2026-11-25T00:01:00.000Z' }]);
  });

  it('redelivers after a failure with the delivery count raised', async () => {
    await admin('POST', '/_local/queues/toy-queue/messages', { body: { id: 'flaky', failTimes: 2 } });
    await idle();
    expect(eventsOf('queue', 'flaky').map((e) => e['deliveryCount'])).toEqual([1, 2, 3]);
    const topic = (await admin('GET', '/_local/topics/toy-events/messages')).json as { messageId: string }[];
    expect(topic.some((m) => m.messageId === 'flaky:done')).toBe(true);
  });

  it('dead-letters after the tenth failed delivery', async () => {
    await admin('POST', '/_local/queues/toy-queue/messages', {
      body: { id: 'doomed', alwaysFail: true },
      messageId: 'doomed-1',
    });
    await idle();
    expect(eventsOf('queue', 'doomed')).toHaveLength(10);
    const dead = (await admin('GET', '/_local/queues/toy-queue/deadletters')).json as {
      messageId: string;
      reason: string;
      deliveryCount: number;
      description: string;
    }[];
    expect(dead).toEqual([
      expect.objectContaining({
        messageId: 'doomed-1',
        reason: 'MaxDeliveryCountExceeded',
        deliveryCount: 10,
        description: 'toy failure doomed #10',
      }),
    ]);
  });
});

describe('blob trigger on Azurite', () => {
  it('invokes once per blob version with the content as a Buffer and the blob metadata', async () => {
    const csv = 'a,b\n1,2\n"x\ny",3\n';
    const drop = await admin('POST', '/_local/feeds', {
      businessDate: '2026-11-24',
      csv,
      container: 'toy-drops',
    });
    expect(drop.json).toMatchObject({
      rowCount: 2,
      dataBlob: 'transactions-2026-11-24.csv',
      manifestBlob: 'transactions-2026-11-24.manifest.json',
    });
    const blobs = eventsOf('blob');
    expect(blobs.map((b) => b['name']).sort()).toEqual([
      'transactions-2026-11-24.csv',
      'transactions-2026-11-24.manifest.json',
    ]);
    expect(blobs.find((b) => b['name'] === 'transactions-2026-11-24.csv')).toMatchObject({
      isBuffer: true,
      blobTrigger: 'toy-drops/transactions-2026-11-24.csv',
      text: csv,
    });
    const manifest = JSON.parse(
      String(blobs.find((b) => String(b['name']).endsWith('.json'))?.['text']),
    ) as Record<string, unknown>;
    expect(manifest).toMatchObject({
      businessDate: '2026-11-24',
      file: 'transactions-2026-11-24.csv',
      rowCount: 2,
      version: 1,
    });
    expect(manifest['sha256']).toBe(createHash('sha256').update(csv).digest('hex'));

    expect(eventsOf('manifest').map((b) => b['name'])).toEqual(['transactions-2026-11-24.manifest.json']);

    await host.blobs.pollNow();
    expect(eventsOf('blob')).toHaveLength(2);
    const container = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(
      'toy-drops',
    );
    await container.getBlockBlobClient('transactions-2026-11-24.csv').uploadData(Buffer.from('changed'));
    await host.blobs.pollNow();
    expect(eventsOf('blob').map((b) => b['text'])).toContain('changed');
    expect(eventsOf('blob')).toHaveLength(3);
  });

  it('gives up on a blob version after five failed attempts', async () => {
    const container = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(
      'toy-drops',
    );
    await container.getBlockBlobClient('poison.txt').uploadData(Buffer.from('poison'));
    for (let i = 0; i < 7; i += 1) await host.blobs.pollNow();
    expect(eventsOf('blob').filter((b) => b['name'] === 'poison.txt')).toHaveLength(5);
  });
});

describe('timer trigger on the virtual clock', () => {
  it('fires each occurrence in order as the clock advances', async () => {
    const before = eventsOf('timer').length;
    const { json } = await admin('POST', '/_local/clock/advance', { by: '10m' });
    expect(json).toMatchObject({ mode: 'virtual', now: '2026-11-25T00:11:00.000Z' });
    const fired = eventsOf('timer').slice(before);
    expect(fired.map((e) => (e['scheduleStatus'] as { next: string }).next)).toEqual([
      '2026-11-25T00:05:00.000Z',
      '2026-11-25T00:10:00.000Z',
    ]);
    expect(fired.every((e) => e['isPastDue'] === false)).toBe(true);
  });
});

describe('durable client through the host', () => {
  it('starts an orchestration via df.getClient and serves its status on the webhook routes', async () => {
    const started = await fetch(`${host.baseUrl}/api/orchestrators/toy`, { method: 'POST', body: 'Tokyo' });
    expect(started.status).toBe(202);
    const { statusQueryGetUri } = (await started.json()) as { statusQueryGetUri: string };
    await idle();
    const status = (await (await fetch(statusQueryGetUri)).json()) as {
      runtimeStatus: string;
      output: unknown;
    };
    expect(status).toMatchObject({ runtimeStatus: 'Completed', output: 'hello Tokyo' });
    expect(new URL(statusQueryGetUri).searchParams.get('code')).toBe(host.adminKey);
  });

  it('refuses the webhook routes without the admin key, as Azure refuses them without the system key', async () => {
    // Given a running instance's id
    const started = await fetch(`${host.baseUrl}/api/orchestrators/toy`, { method: 'POST', body: 'Oslo' });
    const { id } = (await started.json()) as { id: string };
    await idle();
    const instance = `${host.baseUrl}/runtime/webhooks/durabletask/instances/${encodeURIComponent(id)}`;

    // When a local process reads or terminates it without a key, or with a wrong one
    const read = await fetch(instance);
    const terminate = await fetch(`${instance}/terminate?reason=x`, { method: 'POST' });
    const wrong = await fetch(`${instance}?code=nope`);

    // Then each is 401 problem+json, and the key works in each of Azure's places
    for (const res of [read, terminate, wrong]) {
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ code: 'AUTH.KEY_REQUIRED' });
    }
    expect((await fetch(`${instance}?code=${encodeURIComponent(host.adminKey)}`)).status).toBe(200);
    expect((await fetch(instance, { headers: { 'x-functions-key': host.adminKey } })).status).toBe(200);
    expect((await fetch(instance, { headers: { [ADMIN_KEY_HEADER]: host.adminKey } })).status).toBe(200);
  });
});

describe('process figures for benchmarks', () => {
  it('reports the event loop, CPU and memory used so far, growing over time', async () => {
    type Figures = {
      uptimeMs: number;
      eventLoop: { activeMs: number; idleMs: number };
      cpuMs: { user: number; system: number };
      memoryBytes: { rss: number; heapUsed: number };
    };
    const first = (await admin('GET', '/_local/process')).json as Figures;
    let spin = 0;
    for (const end = performance.now() + 30; performance.now() < end;) spin += 1;
    const second = (await admin('GET', '/_local/process')).json as Figures;
    expect(spin).toBeGreaterThan(0);
    expect(second.eventLoop.activeMs).toBeGreaterThan(first.eventLoop.activeMs + 20);
    expect(second.cpuMs.user + second.cpuMs.system).toBeGreaterThan(first.cpuMs.user + first.cpuMs.system);
    expect(second.uptimeMs).toBeGreaterThanOrEqual(first.uptimeMs);
    expect(second.memoryBytes.rss).toBeGreaterThan(second.memoryBytes.heapUsed);
  });
});
