import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { startPointsStandIn, type PointsStandIn } from '../../points';

const body = (memberId: string) => ({ points: 2000, campaignId: 'c', reference: `c:${memberId}` });
const post = (
  url: string,
  payload: unknown,
  headers: Record<string, string> = { 'Idempotency-Key': 'c:M-1' },
) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(payload),
  });

describe('points stand-in', () => {
  let standIn: PointsStandIn;
  let dir: string;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'points-'));
    standIn = await startPointsStandIn({ dataFile: join(dir, 'credits.json') });
  });
  afterEach(async () => {
    await standIn.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers 400 without an Idempotency-Key and 422 for a body that is not JSON', async () => {
    const missing = await post(`${standIn.url}/members/M-1/credits`, body('M-1'), {});
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ code: 'IDEMPOTENCY_KEY_MISSING' });
    const garbled = await fetch(`${standIn.url}/members/M-1/credits`, {
      method: 'POST',
      headers: { 'Idempotency-Key': 'c:M-1' },
      body: '{"points":',
    });
    expect(garbled.status).toBe(422);
    expect(standIn.credits()).toEqual([]);
  });

  it('switches faults at runtime through POST /_faults, keeping the ones not mentioned', async () => {
    await fetch(`${standIn.url}/_faults`, {
      method: 'POST',
      body: JSON.stringify({ latencyMs: 5, hangMs: 100 }),
    });
    const response = await fetch(`${standIn.url}/_faults`, {
      method: 'POST',
      body: JSON.stringify({ errorRate: 1, errorStatuses: [503] }),
    });
    expect(await response.json()).toMatchObject({
      errorRate: 1,
      errorStatuses: [503],
      latencyMs: 5,
      hangMs: 100,
    });
    expect((await post(`${standIn.url}/members/M-1/credits`, body('M-1'))).status).toBe(503);
    const invalid = await fetch(`${standIn.url}/_faults`, {
      method: 'POST',
      body: JSON.stringify({ errorRate: 2 }),
    });
    expect(invalid.status).toBe(422);
    expect(standIn.stats()).toMatchObject({ requests: 1, injectedErrors: 1, created: 0 });
  });

  it('lists credits on GET /_credits and forgets them on DELETE /_credits', async () => {
    expect((await post(`${standIn.url}/members/M-1/credits`, body('M-1'))).status).toBe(201);
    const listed = (await (await fetch(`${standIn.url}/_credits`)).json()) as {
      count: number;
      credits: unknown[];
    };
    expect(listed.count).toBe(1);
    expect(listed.credits[0]).toMatchObject({ memberId: 'M-1', reference: 'c:M-1' });
    await fetch(`${standIn.url}/_credits`, { method: 'DELETE' });
    expect(standIn.credits()).toEqual([]);
  });

  it('keeps credits in its data file across a restart, so a replay still returns the original', async () => {
    const first = await (await post(`${standIn.url}/members/M-1/credits`, body('M-1'))).json();
    await standIn.close();
    standIn = await startPointsStandIn({ dataFile: join(dir, 'credits.json') });
    const replay = await post(`${standIn.url}/members/M-1/credits`, body('M-1'));
    expect(replay.status).toBe(200);
    expect(await replay.json()).toEqual(first);
  });
});

describe('points stand-in CLI', () => {
  let child: ChildProcess | undefined;
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'points-cli-'));
  });
  afterEach(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  async function launch(dataFile: string): Promise<{ url: string; process: ChildProcess }> {
    const proc = spawn(
      process.execPath,
      ['--import', 'tsx', 'local/points/main.ts', '--port', '0', '--data', dataFile],
      {
        cwd: join(__dirname, '..', '..', '..'),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child = proc;
    let out = '';
    for await (const chunk of proc.stdout) {
      out += String(chunk);
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match?.[1]) return { url: match[1], process: proc };
    }
    throw new Error(`stand-in did not start: ${out}`);
  }

  it('survives kill -9 without losing an acknowledged credit', async () => {
    const dataFile = join(dir, 'credits.json');
    const first = await launch(dataFile);
    const issued = await post(`${first.url}/members/M-9/credits`, body('M-9'), {
      'Idempotency-Key': 'c:M-9',
    });
    expect(issued.status).toBe(201);
    const credit = await issued.json();
    first.process.kill('SIGKILL');
    await once(first.process, 'exit');

    const second = await launch(dataFile);
    const replay = await post(`${second.url}/members/M-9/credits`, body('M-9'), {
      'Idempotency-Key': 'c:M-9',
    });
    expect(replay.status).toBe(200);
    expect(await replay.json()).toEqual(credit);
    second.process.kill('SIGTERM');
    await once(second.process, 'exit');
  }, 20_000);
});
