import { readFileSync } from 'node:fs';
import type { LocalClient, Reply, TokenFor } from './client';
import { parseDuration } from '../host/duration';
import { isCalendarDate } from '../host/feedDrop';
import { loadSettings } from '../host/settings';
import { consoleLink } from './consoleLink';
import { runDemo } from './demo';
import { transactionFromFields } from './transaction';

export type Flags = Record<string, string | boolean | undefined>;
export type Print = (text: string) => void;

export class UsageError extends Error {}

const str = (flags: Flags, name: string): string | undefined =>
  typeof flags[name] === 'string' ? (flags[name] as string) : undefined;

function show(print: Print, reply: Reply): void {
  print(
    typeof reply.body === 'string' || reply.body === undefined
      ? reply.text
      : JSON.stringify(reply.body, null, 2),
  );
}

/** Prints the reply and fails (exit code 1) on an HTTP error. */
function expectOk(print: Print, reply: Reply, what: string): void {
  if (reply.status >= 400) throw new Error(`${what} failed: HTTP ${reply.status} ${reply.text}`);
  show(print, reply);
}

function one(args: string[], name: string): string {
  const [value, ...rest] = args;
  if (!value || rest.length > 0) throw new UsageError(`expected exactly one ${name}`);
  return value;
}

async function nowIso(client: LocalClient): Promise<string> {
  const reply = await client.admin('GET', '/_local/clock');
  return (reply.body as { now: string }).now;
}

async function feedDate(client: LocalClient, businessDate: string): Promise<unknown> {
  const token = await client.token({ ops: true });
  const reply = await client.api('GET', `/api/ops/feeds/${businessDate}`, { token });
  return reply.status === 200 ? reply.body : undefined;
}

interface RunView {
  version: number;
  status: string;
  reason?: { code: string; detail: string };
  rowsRead?: number;
  applied?: number;
  rejected?: { count: number };
  duplicateDrops?: number;
}

/** One line on how the run of `version` ended (from GET /api/ops/feeds/{date}); undefined when there is none. */
export function feedRunOutcome(view: unknown, version: number): string | undefined {
  const runs = (view as { runs?: RunView[] } | undefined)?.runs ?? [];
  const run = runs.find((r) => r.version === version);
  if (!run) return undefined;
  if (run.reason) return `run v${version} ${run.status}: ${run.reason.code} (${run.reason.detail})`;
  const counts =
    run.rowsRead === undefined
      ? ''
      : `: ${run.rowsRead} rows read, ${run.applied ?? 0} applied, ${run.rejected?.count ?? 0} rejected (quarantined)`;
  const drops = run.duplicateDrops ? `; dropped again ${run.duplicateDrops}× (no-op)` : '';
  return `run v${version} ${run.status}${counts}${drops}`;
}

const ADVANCE_PROGRESS_MS = 1_000;

/** `advancing: 2026-12-03T00:00:00.000Z (5d of 20d, 25%)`. */
export function advanceProgress(fromMs: number, atMs: number, totalMs: number): string {
  const day = 86_400_000;
  const done = atMs - fromMs;
  const pct = totalMs === 0 ? 100 : Math.min(100, Math.floor((done / totalMs) * 100));
  const fmt = (ms: number): string =>
    ms >= day ? `${(ms / day).toFixed(1).replace(/\.0$/, '')}d` : `${Math.round(ms / 60_000)}m`;
  return `advancing: ${new Date(atMs).toISOString()} (${fmt(done)} of ${fmt(totalMs)}, ${pct}%)`;
}

export const commands: Record<
  string,
  (client: LocalClient, args: string[], flags: Flags, print: Print) => Promise<void>
> = {
  async token(client, _args, flags, print) {
    const member = str(flags, 'member');
    const forWhom: TokenFor | undefined = member
      ? { member }
      : flags['ops']
        ? { ops: true }
        : flags['enrolment']
          ? { enrolment: true }
          : undefined;
    if (!forWhom) throw new UsageError('token needs --member <id>, --ops or --enrolment');
    print(await client.token(forWhom));
  },
  async 'console-link'(client, _args, flags, print) {
    const member = str(flags, 'member');
    if (!member && !flags['ops']) throw new UsageError('console-link needs --ops or --member <id>');
    print(await consoleLink(client, member ? { member } : { ops: true }));
  },
  async enrol(client, args, flags, print) {
    const memberId = one(args, 'member id');
    const token = await client.token({ enrolment: true });
    const at = str(flags, 'at');
    const reply = await client.api('POST', '/api/enrolments', {
      token,
      body: { memberId, ...(at ? { enrolledAt: at } : {}) },
    });
    expectOk(print, reply, 'enrolment');
  },
  async publish(client, args, flags, print) {
    if (args.length === 0) throw new UsageError('publish needs a JSON file or key=value fields');
    const fromFile = args.length === 1 && !args[0]?.includes('=');
    const built = fromFile
      ? {
          messageId: undefined,
          body: JSON.parse(readFileSync(args[0] as string, 'utf8')) as Record<string, unknown>,
        }
      : transactionFromFields(args, await nowIso(client));
    const messageId =
      str(flags, 'message-id') ??
      built.messageId ??
      `${String(built.body['transactionId'])}:${String(built.body['status'])}`;
    const times = Number(str(flags, 'times') ?? 1);
    if (!Number.isInteger(times) || times < 1) throw new UsageError('--times must be a positive integer');
    const queue = str(flags, 'queue') ?? process.env['TRANSACTIONS_QUEUE'] ?? 'card-transactions';
    const message = { body: built.body, messageId };
    const reply = await client.admin(
      'POST',
      `/_local/queues/${encodeURIComponent(queue)}/messages`,
      Array.from({ length: times }, () => message),
    );
    expectOk(print, reply, 'publish');
  },
  async 'drop-feed'(client, args, flags, print) {
    const file = one(args, 'CSV file');
    const businessDate = str(flags, 'date');
    if (!businessDate || !isCalendarDate(businessDate))
      throw new UsageError(
        `drop-feed needs --date YYYY-MM-DD naming a real day, got ${businessDate ?? 'none'}`,
      );
    const version = Number(str(flags, 'version') ?? 1);
    if (!Number.isInteger(version) || version < 1)
      throw new UsageError(`--version must be a positive integer, got ${str(flags, 'version')}`);
    const content = readFileSync(file);
    const reply = await client.admin('POST', '/_local/feeds', {
      businessDate,
      version,
      base64: content.toString('base64'),
    });
    expectOk(print, reply, 'drop-feed');
    const see = `see it with: curl -H "Authorization: Bearer $(npm run -s cli -- token --ops)" ${client.baseUrl}/api/ops/feeds/${businessDate}`;
    if (flags['no-wait']) return print(see);
    print('waiting for the run (queues, blob scan and durable work drained; --no-wait to skip)…');
    expectOk(() => undefined, await client.admin('GET', '/_local/idle?timeoutMs=300000'), 'idle');
    print(
      feedRunOutcome(await feedDate(client, businessDate), version) ?? `no run of v${version} yet; ${see}`,
    );
  },
  async advance(client, args, _flags, print) {
    const by = one(args, 'duration');
    const total = parseDuration(by);
    const from = Date.parse(await nowIso(client));
    const advancing = client.admin('POST', '/_local/clock/advance', { by });
    // a long advance fires every due timer in order and can take many seconds: show where it is
    let last = from;
    const timer = setInterval(() => {
      void nowIso(client).then(
        (now) => {
          const at = Date.parse(now);
          if (at === last) return;
          last = at;
          print(advanceProgress(from, at, total));
        },
        () => undefined,
      );
    }, ADVANCE_PROGRESS_MS);
    try {
      expectOk(print, await advancing, 'advance');
    } finally {
      clearInterval(timer);
    }
  },
  async now(client, _args, _flags, print) {
    expectOk(print, await client.admin('GET', '/_local/clock'), 'now');
  },
  async progress(client, args, _flags, print) {
    const token = await client.token({ member: one(args, 'member id') });
    expectOk(print, await client.api('GET', '/api/me/progress', { token }), 'progress');
  },
  async funnel(client, _args, _flags, print) {
    const token = await client.token({ ops: true });
    expectOk(print, await client.api('GET', '/api/ops/funnel', { token }), 'funnel');
  },
  async 'dead-letters'(client, _args, _flags, print) {
    expectOk(print, await client.admin('GET', '/_local/deadletters'), 'dead-letters');
  },
  async topic(client, args, _flags, print) {
    const path = args[0] ? `/_local/topics/${encodeURIComponent(args[0])}/messages` : '/_local/topics';
    expectOk(print, await client.admin('GET', path), 'topic');
  },
  async idle(client, _args, flags, print) {
    const timeout = str(flags, 'timeout') ?? '60000';
    expectOk(
      print,
      await client.admin('GET', `/_local/idle?timeoutMs=${encodeURIComponent(timeout)}`),
      'idle',
    );
  },
  async demo(client, _args, _flags, print) {
    // the campaign's calendar comes from the same settings the runtime loaded
    loadSettings(process.cwd(), process.env);
    const allAsExpected = await runDemo(client, print, {
      zone: process.env['CAMPAIGN_TIME_ZONE'] ?? 'Australia/Sydney',
      feedStartDate: process.env['CAMPAIGN_FEED_START_DATE'] ?? '2026-11-01',
    });
    if (!allAsExpected) throw new Error('some members did not end as expected (see DIFF above)');
  },
};
