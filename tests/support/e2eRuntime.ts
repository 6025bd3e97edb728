import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, rmSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { createLocalClient, type Reply } from '../../local/cli/client';
import { azuriteConnectionString } from '../../local/emulators/azurite';
import { pickFreePort } from '../../local/emulators/ports';
import { deliveryArgs, type RuntimeDelivery } from '../../local/host/spawnRuntime';
import { contractCheckedClient, type ContractCheckedClient } from './contractClient';
import { E2E_DIST, E2E_RUNS, PROJECT_ROOT } from './e2ePaths';
import { FEED_HEADER, type FeedRow, type Message, feedLine } from './e2eTransactions';

export interface E2eOptions {
  /** Names the data dir, for reading logs after a failure. */
  name: string;
  /** Virtual clock start (UTC ISO). */
  clockStart: string;
  /** Settings for the child (override `local.settings*.json`), e.g. CAMPAIGN_FEED_START_DATE. */
  env?: Record<string, string>;
  /** Virtual time between two firings of one timer trigger; a larger value makes long advances cheaper. */
  timerMinInterval?: string;
  /** The durable engine's entity message delivery (default fifo). */
  delivery?: RuntimeDelivery;
}

/** What the app's `GET /api/me/progress` answers (SPEC §8), as far as the tests read it. */
export interface Progress {
  state: string;
  progressCents: number;
  confirmedCents: number;
  pendingCents: number;
  atRisk: boolean;
  celebrations: { kind: string; raisedAt: string }[];
  decision: { outcome: string; decidedAt: string } | null;
  reward: { status: string; points: number } | null;
  lastGraceDate: string;
  evaluationAt: string;
  windowClosesAt: string;
}

export interface Enrolled {
  memberId: string;
  enrolledAt: string;
  lastGraceDate: string;
  evaluationAt: string;
  windowClosesAt: string;
}

export interface Credit {
  creditId: string;
  memberId: string;
  points: number;
  reference: string;
}

export interface FunnelReport {
  enrolledOn: string | null;
  members: number;
  counts: Record<string, number>;
  atRisk: number;
  held: number;
  rewards: { pending: number; needsReview: number };
  deadLetters: { queue: string; count: number | null } | null;
}

export interface TopicMessage {
  messageId: string;
  body: string;
  subject: string | null;
}

const IDLE_TIMEOUT_MS = 120_000;

function expectOk(reply: Reply, what: string): Reply {
  if (reply.status >= 400) throw new Error(`${what}: HTTP ${reply.status} ${reply.text}`);
  return reply;
}

/**
 * The whole runtime (`node .local/e2e-dist/local/start.js`, as `npm start` runs it) in a child process on
 * free loopback ports with a virtual clock, and the public interfaces a test may drive: HTTP with dev
 * tokens, the queue, feed drops into Azurite, the clock, and the points stand-in's own test endpoints.
 * `kill9()` is a real SIGKILL; `restart()` starts a new process on the same ports and data dir.
 */
export class E2eRuntime {
  /** Every `/api/...` answer it receives is checked against `openapi.yaml` (see contractCheckedClient). */
  readonly client: ContractCheckedClient;
  private child: ChildProcess | undefined;
  private log: WriteStream | undefined;
  private recent = '';
  private tokens = new Map<string, string>();

  private constructor(
    readonly dataDir: string,
    readonly baseUrl: string,
    readonly pointsUrl: string,
    /** The runtime's Azurite (blob) port, where the warehouse's feed files land. */
    readonly azuritePort: number,
    private readonly args: string[],
    private readonly env: NodeJS.ProcessEnv,
  ) {
    this.client = contractCheckedClient(createLocalClient({ baseUrl, dataDir }));
  }

  static async start(o: E2eOptions): Promise<E2eRuntime> {
    if (!existsSync(join(E2E_DIST, 'local', 'start.js')))
      throw new Error(`${E2E_DIST} is missing: run the e2e tier through jest (its globalSetup compiles it)`);
    const dataDir = join(E2E_RUNS, `${o.name}-${process.pid}-${Date.now().toString(36)}`);
    rmSync(dataDir, { recursive: true, force: true });
    mkdirSync(dataDir, { recursive: true });
    const [port, azurite, cosmos, points] = [
      await pickFreePort(),
      await pickFreePort(),
      await pickFreePort(),
      await pickFreePort(),
    ];
    const args = [
      join(E2E_DIST, 'local', 'start.js'),
      ...['--app', join(E2E_DIST, 'src', 'index.js'), '--data-dir', dataDir],
      ...['--clock', `virtual=${o.clockStart}`],
      ...['--port', String(port), '--azurite-port', String(azurite)],
      ...['--cosmos-port', String(cosmos), '--points-port', String(points)],
      ...['--timer-min-interval', o.timerMinInterval ?? '1h', '--redelivery-delay', '50ms'],
      ...deliveryArgs(o.delivery),
    ];
    const env: NodeJS.ProcessEnv = { ...process.env, ...o.env };
    // a developer's shell must not point the runtime at other emulators
    for (const k of ['COSMOS_ENDPOINT', 'POINTS_API_URL', 'FeedStorage', 'AzureWebJobsStorage'])
      delete env[k];
    const runtime = new E2eRuntime(
      dataDir,
      `http://127.0.0.1:${port}`,
      `http://127.0.0.1:${points}`,
      azurite,
      args,
      env,
    );
    await runtime.launch();
    return runtime;
  }

  private async launch(): Promise<void> {
    this.recent = '';
    this.log ??= createWriteStream(join(this.dataDir, 'runtime.log'), { flags: 'a' });
    const child = spawn(process.execPath, this.args, { cwd: PROJECT_ROOT, env: this.env, stdio: 'pipe' });
    this.child = child;
    // if the test process dies without afterAll, the runtime must not outlive it
    const orphanGuard = (): void => void child.kill('SIGKILL');
    process.once('exit', orphanGuard);
    child.once('exit', () => process.off('exit', orphanGuard));
    const onData = (chunk: Buffer): void => {
      this.log?.write(chunk);
      this.recent = (this.recent + chunk.toString('utf8')).slice(-200_000);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    await this.waitForLog(/ready: /, 60_000);
  }

  /** Resolves when the runtime's output matches `pattern` (it only looks at the current process's output). */
  waitForLog(pattern: RegExp, timeoutMs = 60_000): Promise<void> {
    const child = this.child;
    if (!child) return Promise.reject(new Error('the runtime is not running'));
    return new Promise((resolve, reject) => {
      const done = (err?: Error): void => {
        clearInterval(poll);
        clearTimeout(timer);
        child.off('exit', exited);
        if (err) reject(err);
        else resolve();
      };
      const exited = (): void => done(new Error(`runtime exited before ${pattern}:\n${this.tail()}`));
      const poll = setInterval(() => pattern.test(this.recent) && done(), 20);
      const timer = setTimeout(
        () => done(new Error(`timed out waiting for ${pattern}:\n${this.tail()}`)),
        timeoutMs,
      );
      child.once('exit', exited);
      if (pattern.test(this.recent)) done();
    });
  }

  tail(lines = 40): string {
    return this.recent.split('\n').slice(-lines).join('\n');
  }

  output(): string {
    return this.recent;
  }

  private exited(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => child.once('exit', () => resolve()));
  }

  /** SIGKILL: no shutdown code runs, as in a crash. */
  async kill9(): Promise<void> {
    this.child?.kill('SIGKILL');
    await this.exited();
  }

  /** A new process on the same ports and data dir (after `kill9` or `stop`). */
  async restart(): Promise<void> {
    await this.exited();
    await this.launch();
  }

  /** SIGTERM, then SIGKILL if it has not exited within 10 s; removes the data dir unless E2E_KEEP is set. */
  async stop(): Promise<void> {
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await this.exited();
      clearTimeout(killer);
    }
    await new Promise<void>((resolve) => (this.log ? this.log.end(() => resolve()) : resolve()));
    if (!process.env['E2E_KEEP']) rmSync(this.dataDir, { recursive: true, force: true });
  }

  // ---- the clock -------------------------------------------------------------------------------------

  async now(): Promise<string> {
    return (expectOk(await this.client.admin('GET', '/_local/clock'), 'clock').body as { now: string }).now;
  }

  /** Waits until queues, blob scans and durable work are drained (no real sleeping). */
  async idle(): Promise<void> {
    expectOk(await this.client.admin('GET', `/_local/idle?timeoutMs=${IDLE_TIMEOUT_MS}`), 'idle');
  }

  /** Advances the virtual clock (firing due timers in order), then waits until idle. */
  async advance(by: string): Promise<void> {
    expectOk(await this.client.admin('POST', '/_local/clock/advance', { by }), `advance ${by}`);
    await this.idle();
  }

  /** Advances to `iso` if it lies ahead (no-op otherwise), then waits until idle. */
  async advanceTo(iso: string): Promise<void> {
    if (Date.parse(iso) > Date.parse(await this.now()))
      expectOk(await this.client.admin('POST', '/_local/clock/advance', { to: iso }), `advance to ${iso}`);
    await this.idle();
  }

  /** Starts an advance without waiting for it (to crash the runtime in the middle of it). */
  advanceInBackground(iso: string): Promise<unknown> {
    return this.client.admin('POST', '/_local/clock/advance', { to: iso }).catch((err: unknown) => err);
  }

  // ---- the app's public interfaces --------------------------------------------------------------------

  async token(key: 'ops' | 'enrolment' | { member: string }): Promise<string> {
    const id = typeof key === 'string' ? key : `member:${key.member}`;
    let token = this.tokens.get(id);
    if (!token) {
      token = await this.client.token(
        key === 'ops' ? { ops: true } : key === 'enrolment' ? { enrolment: true } : key,
      );
      this.tokens.set(id, token);
    }
    return token;
  }

  async enrol(memberId: string, enrolledAt?: string): Promise<Enrolled> {
    const reply = await this.client.api('POST', '/api/enrolments', {
      token: await this.token('enrolment'),
      body: enrolledAt ? { memberId, enrolledAt } : { memberId },
    });
    return expectOk(reply, `enrol ${memberId}`).body as Enrolled;
  }

  async progress(memberId: string): Promise<Progress> {
    const reply = await this.client.api('GET', '/api/me/progress', {
      token: await this.token({ member: memberId }),
    });
    return expectOk(reply, `progress of ${memberId}`).body as Progress;
  }

  async acknowledge(memberId: string, kind: string): Promise<Reply> {
    return this.client.api('POST', `/api/me/celebrations/${kind}/ack`, {
      token: await this.token({ member: memberId }),
    });
  }

  /** The ops view of a member: ledger, state, decision, reward, orchestration status. */
  async opsMember(memberId: string): Promise<Record<string, unknown>> {
    const reply = await this.client.api('GET', `/api/ops/members/${encodeURIComponent(memberId)}`, {
      token: await this.token('ops'),
    });
    return expectOk(reply, `ops member ${memberId}`).body as Record<string, unknown>;
  }

  async funnel(): Promise<Record<string, number>> {
    return (await this.funnelReport()).counts;
  }

  /** The whole `GET /api/ops/funnel` answer (from the memberStates projection), of one enrolment day if given. */
  async funnelReport(enrolledOn?: string): Promise<FunnelReport> {
    const path = `/api/ops/funnel${enrolledOn ? `?enrolledOn=${enrolledOn}` : ''}`;
    const reply = await this.client.api('GET', path, { token: await this.token('ops') });
    return expectOk(reply, 'funnel').body as FunnelReport;
  }

  /**
   * Every item of a paged ops listing (`/api/ops/feeds`, `/api/ops/quarantine`), following
   * `continuationToken` until a page has none; `query` is added to every page's request.
   */
  async allPages<T>(path: string, query = ''): Promise<{ items: T[]; pages: number; first: unknown }> {
    const items: T[] = [];
    let token: string | undefined;
    let pages = 0;
    let first: unknown;
    do {
      const params = [query, token ? `continuationToken=${encodeURIComponent(token)}` : '']
        .filter(Boolean)
        .join('&');
      const reply = await this.client.api('GET', `${path}${params ? `?${params}` : ''}`, {
        token: await this.token('ops'),
      });
      const page = expectOk(reply, `${path} page ${pages + 1}`).body as {
        items: T[];
        continuationToken?: string;
      };
      first ??= page;
      items.push(...page.items);
      token = page.continuationToken;
      pages += 1;
    } while (token);
    return { items, pages, first };
  }

  /** Puts messages on the `card-transactions` queue, in the given order, each with its `messageId`. */
  async publish(messages: readonly Message[]): Promise<void> {
    for (let i = 0; i < messages.length; i += 1000) {
      const batch = messages.slice(i, i + 1000).map((m) => ({ messageId: m.messageId, body: m.body }));
      expectOk(
        await this.client.admin('POST', '/_local/queues/card-transactions/messages', batch),
        'publish',
      );
    }
  }

  /** Drops a feed file (data file, then its manifest with row count and checksum) for a business date. */
  async dropFeed(businessDate: string, rows: readonly FeedRow[] = [], version?: number): Promise<void> {
    const csv = [FEED_HEADER, ...rows.map(feedLine)].join('\n') + '\n';
    const body = version === undefined ? { businessDate, csv } : { businessDate, csv, version };
    expectOk(await this.client.admin('POST', '/_local/feeds', body), `feed ${businessDate}`);
  }

  /**
   * Writes `transactions-<date>.manifest.json` with `text` as it is (e.g. a manifest the warehouse got
   * wrong) straight into the feed container, with no data file, then waits until the app has recorded a
   * run of that date (the host's blob scan finds it within seconds) and is idle.
   */
  async dropManifest(businessDate: string, text: string, timeoutMs = 60_000): Promise<void> {
    const container = this.env['FEED_CONTAINER'] ?? 'warehouse-drops';
    const blobs = BlobServiceClient.fromConnectionString(azuriteConnectionString(this.azuritePort));
    const client = blobs.getContainerClient(container);
    await client.createIfNotExists();
    await client
      .getBlockBlobClient(`transactions-${businessDate}.manifest.json`)
      .uploadData(Buffer.from(text), { blobHTTPHeaders: { blobContentType: 'application/json' } });
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await this.idle();
      const reply = await this.client.api('GET', `/api/ops/feeds/${businessDate}`, {
        token: await this.token('ops'),
      });
      if (reply.status === 200) return;
      if (Date.now() > deadline) throw new Error(`no run of ${businessDate} after its manifest dropped`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  async topic(name: string): Promise<TopicMessage[]> {
    return expectOk(await this.client.admin('GET', `/_local/topics/${name}/messages`), 'topic')
      .body as TopicMessage[];
  }

  /** The durable engine's counters (`GET /_local/durable/stats`). */
  async durableStats(): Promise<{ total: Record<string, number> }> {
    return expectOk(await this.client.admin('GET', '/_local/durable/stats'), 'durable stats').body as {
      total: Record<string, number>;
    };
  }

  async deadLetters(): Promise<unknown[]> {
    return expectOk(await this.client.admin('GET', '/_local/deadletters'), 'dead letters').body as unknown[];
  }

  // ---- the points stand-in ----------------------------------------------------------------------------

  async credits(): Promise<Credit[]> {
    const res = await fetch(`${this.pointsUrl}/_credits`);
    if (!res.ok) throw new Error(`points stand-in /_credits: ${res.status}`);
    return ((await res.json()) as { credits: Credit[] }).credits;
  }

  async pointsStats(): Promise<Record<string, number>> {
    return (await (await fetch(`${this.pointsUrl}/_stats`)).json()) as Record<string, number>;
  }

  async faults(patch: Record<string, unknown>): Promise<void> {
    const res = await fetch(`${this.pointsUrl}/_faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(patch),
    });
    if (!res.ok) throw new Error(`points stand-in /_faults: ${res.status} ${await res.text()}`);
  }
}
