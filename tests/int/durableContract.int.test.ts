import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawnRuntime, type SpawnedRuntime } from '../../local/host/spawnRuntime';

/**
 * The durable contract: what the app relies on of Durable Functions, as cases that must pass on the local
 * engine AND on the real host. Here it runs against the local runtime (the fixture app
 * tests/fixtures/durable-contract-app with its own host.json, real clock); with DURABLE_CONTRACT_URL set
 * (e.g. http://127.0.0.1:7071) it runs against that host instead: the GitHub Actions job
 * `.github/workflows/durable-contract.yml` runs it against `func start` (Core Tools v4, extension bundle
 * 4.x) on Azurite. Everything goes through the fixture app's HTTP triggers and the durable client, so both
 * hosts are driven the same way. local/durable/README.md lists what still differs.
 */

const APP_DIR = resolve(__dirname, '../fixtures/durable-contract-app');
const external = process.env['DURABLE_CONTRACT_URL'];
// Azurite's queues are polled with a backoff on the real host: give it time.
const WAIT_MS = external ? 90_000 : 30_000;
jest.setTimeout(external ? 180_000 : 60_000);

// Instance ids and entity keys unique per run: the real host's task hub outlives one run.
const run = Date.now().toString(36);
const id = (name: string): string => `${name}-${run}`;

let baseUrl: string;
let runtime: SpawnedRuntime | undefined;
let dataDir: string | undefined;

beforeAll(async () => {
  if (external) {
    baseUrl = external.replace(/\/$/, '');
    return;
  }
  dataDir = mkdtempSync(join(tmpdir(), 'durable-contract-'));
  runtime = await spawnRuntime({
    dataDir,
    appDir: APP_DIR,
    app: 'index.js',
    clock: 'real',
    args: ['--no-points'],
    readyTimeoutMs: 110_000, // a loaded machine: the emulators start first
  });
  baseUrl = runtime.baseUrl;
}, 120_000);

afterAll(async () => {
  await runtime?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

interface Reply {
  status: number;
  body: Record<string, unknown>;
}

async function call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<Reply> {
  const res = await fetch(`${baseUrl}/api/contract/${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
  const text = await res.text();
  return { status: res.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
}

interface Status {
  runtimeStatus: string;
  output: unknown;
  customStatus: unknown;
}

const start = (name: string, instanceId: string, input?: unknown): Promise<Reply> =>
  call('POST', `start/${name}/${encodeURIComponent(instanceId)}`, input);

async function status(instanceId: string): Promise<Status | undefined> {
  const reply = await call('GET', `status/${encodeURIComponent(instanceId)}`);
  return reply.status === 200 ? (reply.body as unknown as Status) : undefined;
}

/** Polls until `done` holds (or fails with the last value seen). */
async function until<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  let last = await read();
  while (!done(last)) {
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 250));
    last = await read();
  }
  return last;
}

const FINISHED = new Set(['Completed', 'Failed', 'Terminated']);
const finished = (instanceId: string): Promise<Status | undefined> =>
  until(
    `${instanceId} to finish`,
    () => status(instanceId),
    (s) => s !== undefined && FINISHED.has(s.runtimeStatus),
  );
const waiting = (instanceId: string): Promise<Status | undefined> =>
  until(
    `${instanceId} to wait for its event`,
    () => status(instanceId),
    (s) => s?.customStatus === 'waiting',
  );

async function entity(name: string, key: string): Promise<{ entityExists: boolean; entityState: unknown }> {
  return (await call('GET', `entity/${name}/${encodeURIComponent(key)}`)).body as {
    entityExists: boolean;
    entityState: unknown;
  };
}

describe('durable contract (the same cases on the local engine and on func start)', () => {
  it('fails a replay whose activity under a sequence number changed name (NonDeterministicOrchestrationException)', async () => {
    const instanceId = id('changing');
    expect((await start('contract_changing', instanceId)).status).toBe(202);
    await waiting(instanceId);
    await call('POST', 'variant/renamed');
    try {
      await call('POST', `raise/${instanceId}/go`, true);
      const done = await finished(instanceId);
      expect(done?.runtimeStatus).toBe('Failed');
      expect(String(done?.output)).toContain('Non-Deterministic workflow detected');
    } finally {
      await call('POST', 'variant/original');
    }
  });

  it('fails an orchestration whose custom status is 17 KB; 16 KB is allowed', async () => {
    const over = id('status-17kb');
    const under = id('status-16kb');
    // JSON of n characters plus two quotes, UTF-16: 17 KB for 8,704; 16 KB (rounded down) for 8,190
    await start('contract_status', over, 8_704);
    await start('contract_status', under, 8_190);
    const failed = await finished(over);
    expect(failed?.runtimeStatus).toBe('Failed');
    expect(String(failed?.output)).toContain('must not exceed 16 KB');
    expect((await finished(under))?.runtimeStatus).toBe('Completed');
  });

  it('retries 3 times 2 s apart, and fails at once after the last attempt (no third backoff)', async () => {
    const instanceId = id('retry');
    await start('contract_retry', instanceId);
    const done = await finished(instanceId);
    expect(done?.runtimeStatus).toBe('Completed');
    const output = done?.output as { failed: boolean; elapsedMs: number; message: string };
    expect(output.failed).toBe(true);
    expect(output.message).toContain('contract_fail always fails');
    expect(output.elapsedMs).toBeGreaterThanOrEqual(4_000);
    expect(output.elapsedMs).toBeLessThan(6_000);
  });

  it('refuses startNew while an instance is Running, and starts a new execution once it has Completed, Failed or been Terminated', async () => {
    const instanceId = id('wait');
    expect((await start('contract_wait', instanceId, 'first')).status).toBe(202);
    await waiting(instanceId);
    const refused = await start('contract_wait', instanceId, 'again');
    expect(refused.status).toBe(409);
    expect(String(refused.body['error'])).not.toBe('');
    await call('POST', `raise/${instanceId}/go`, 1);
    expect((await finished(instanceId))?.output).toEqual({ input: 'first', value: 1 });

    expect((await start('contract_wait', instanceId, 'second')).status).toBe(202);
    await waiting(instanceId);
    await call('POST', `raise/${instanceId}/go`, 2);
    expect((await finished(instanceId))?.output).toEqual({ input: 'second', value: 2 });

    const terminated = id('terminated');
    await start('contract_wait', terminated, 'first');
    await waiting(terminated);
    await call('POST', `terminate/${terminated}`);
    expect((await finished(terminated))?.runtimeStatus).toBe('Terminated');
    expect((await start('contract_wait', terminated, 'after')).status).toBe(202);
    await waiting(terminated);
    await call('POST', `raise/${terminated}/go`, 3);
    expect((await finished(terminated))?.output).toEqual({ input: 'after', value: 3 });

    const failed = id('failed');
    await start('contract_status', failed, 9_000);
    expect((await finished(failed))?.runtimeStatus).toBe('Failed');
    expect((await start('contract_status', failed, 10)).status).toBe(202);
    expect(
      (
        await until(
          'the restarted instance',
          () => status(failed),
          (s) => s?.runtimeStatus === 'Completed',
        )
      )?.output,
    ).toBe('done');
  });

  it('reads a never-signalled entity as not existing', async () => {
    expect(await entity('contract_Counter', id('never'))).toEqual({ entityExists: false, entityState: null });
  });

  it('keeps the other operations of a batch when one throws; the caller sees the error', async () => {
    const key = id('counter');
    await call('POST', `signal/contract_Counter/${key}/add`, { inputs: [1] });
    await call('POST', `signal/contract_Counter/${key}/fail`, { inputs: [null] });
    await call('POST', `signal/contract_Counter/${key}/add`, { inputs: [2] });
    await until(
      'the counter',
      () => entity('contract_Counter', key),
      (e) => e.entityState === 3,
    );
    const caller = id('callFailing');
    await start('contract_callFailing', caller, key);
    expect((await finished(caller))?.output).toEqual({ caught: true, total: 3 });
  });

  it('round-trips ISO date strings unchanged through input, activity and output', async () => {
    const instanceId = id('dates');
    const input = {
      local: '2026-11-25T09:00:00+11:00',
      utc: '2026-11-24T22:00:00.000Z',
      dates: ['2026-12-30'],
    };
    await start('contract_dates', instanceId, input);
    const output = (await finished(instanceId))?.output as { input: unknown; echoed: unknown; now: string };
    expect(output.input).toEqual(input);
    expect(output.echoed).toEqual(input);
    expect(output.now).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('delivers every client signal to the entity (Azure does not promise their order)', async () => {
    const key = id('log');
    const inputs = Array.from({ length: 20 }, (_, i) => i + 1);
    await call('POST', `signal/contract_Log/${key}/append`, { inputs });
    const log = await until(
      'every signal',
      () => entity('contract_Log', key),
      (e) => Array.isArray(e.entityState) && e.entityState.length >= inputs.length,
    );
    expect([...new Set(log.entityState as number[])].sort((a, b) => a - b)).toEqual(inputs);
  });

  // Last: on the real host a timed-out invocation restarts the Node worker (module state is lost).
  it('fails an activity that outlives functionTimeout (00:00:05) with the host timeout error', async () => {
    const instanceId = id('timeout');
    await start('contract_timeout', instanceId);
    const output = (await finished(instanceId))?.output as { failed: boolean; message: string };
    expect(output.failed).toBe(true);
    expect(output.message).toContain('Timeout value of 00:00:05 was exceeded');
  });
});
