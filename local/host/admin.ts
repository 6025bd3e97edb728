import type { BlobServiceClient } from '@azure/storage-blob';
import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import {
  advanceSchema,
  feedDropSchema,
  publishMessageSchema,
  publishSchema,
  tokenSchema,
} from './adminSchemas';
import { parseDuration } from './duration';
import { dropFeed } from './feedDrop';
import type { PlainRequest, PlainResponse } from './httpFunctions';
import { mintDevToken } from './identity';
import type { NewMessage } from './messageStore';
import { checkMessageSize, MessageSizeExceeded } from './messageSize';
import type { QueueStore } from './queueStore';
import type { TopicStore } from './topicStore';
import { isAdvanceable, type HostClock } from './types';
import { wallClockMs } from './wallClock';

export const ADMIN_KEY_HEADER = 'x-local-admin-key';

export interface AdminDeps {
  adminKey: string;
  secret: Buffer;
  clock: HostClock;
  publish(queue: string, message: NewMessage): { sequenceNumber: number; messageId: string };
  queueStore: QueueStore;
  topicStore: TopicStore;
  feedService(): BlobServiceClient;
  feedContainer: string;
  pollBlobs(): Promise<void>;
  /** Makes blob writes durable at once (Azurite otherwise saves its metadata every 5 s). */
  flushBlobs(): Promise<void>;
  /** The durable engine's counters (replays, entity operations, timers), if one runs. */
  durableStats(): unknown;
  /** The Cosmos emulator's read counters (documents served), if one runs. */
  cosmosStats(): unknown;
  /** Resolves true once queues, blob scans and durable work are drained, false on timeout. */
  waitIdle(timeoutMs: number): Promise<boolean>;
  describe(): unknown;
}

const json = (status: number, body: unknown): PlainResponse => ({
  status,
  headers: [['content-type', 'application/json; charset=utf-8']],
  body: Buffer.from(JSON.stringify(body, null, 2)),
});

class BadRequest extends Error {}

function parseBody<T>(schema: z.ZodType<T>, req: PlainRequest): T {
  let raw: unknown;
  try {
    raw = req.body.length === 0 ? {} : JSON.parse(req.body.toString('utf8'));
  } catch {
    throw new BadRequest('body is not JSON');
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new BadRequest(z.prettifyError(parsed.error));
  return parsed.data;
}

function toNewMessage(m: z.infer<typeof publishMessageSchema>): NewMessage {
  const { body, bodyText, ...rest } = m;
  return { ...rest, body: bodyText ?? JSON.stringify(body) };
}

/**
 * What the runtime process has used so far, for benchmarks: the main thread's event loop (busy and idle
 * ms since start; busy over a window = how close the app's thread is to saturation), the CPU time of all
 * its threads (the emulator's worker included), and memory.
 */
export function processFigures() {
  const loop = performance.eventLoopUtilization();
  const cpu = process.cpuUsage();
  const memory = process.memoryUsage();
  return {
    uptimeMs: Math.round(process.uptime() * 1000),
    eventLoop: { activeMs: loop.active, idleMs: loop.idle },
    cpuMs: { user: cpu.user / 1000, system: cpu.system / 1000 },
    memoryBytes: { rss: memory.rss, heapUsed: memory.heapUsed },
  };
}

/** Constant-time comparison of a presented key with the expected one. */
export function keyMatches(given: string | undefined | null, expected: string): boolean {
  const a = Buffer.from(given ?? '');
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The loopback-only admin API under `/_local/` (never under the app's route prefix). Every call needs the
 * per-data-dir admin key, so only someone who can read the data dir (the CLI, tests) can drive the host.
 */
export function createAdminApi(deps: AdminDeps) {
  const routes: [string, RegExp, (req: PlainRequest, m: RegExpExecArray) => Promise<PlainResponse>][] = [
    ['GET', /^\/_local\/?$/, async () => json(200, deps.describe())],
    [
      'GET',
      /^\/_local\/clock$/,
      async () => json(200, { mode: deps.clock.mode, now: new Date(deps.clock.now()).toISOString() }),
    ],
    [
      'POST',
      /^\/_local\/clock\/advance$/,
      async (req) => {
        const { by, to } = parseBody(advanceSchema, req);
        if (!isAdvanceable(deps.clock))
          return json(409, { error: 'the clock is real: start with --clock virtual to advance it' });
        const ms = by !== undefined ? parseDuration(by) : Date.parse(to as string) - deps.clock.now();
        if (ms < 0) return json(400, { error: 'the clock only moves forward' });
        await deps.clock.advance(ms);
        return json(200, { mode: deps.clock.mode, now: new Date(deps.clock.now()).toISOString() });
      },
    ],
    [
      'POST',
      /^\/_local\/queues\/([^/]+)\/messages$/,
      async (req, m) => {
        const body = parseBody(publishSchema, req);
        const list = Array.isArray(body) ? body : [body];
        const queue = decodeURIComponent(m[1] as string);
        // all or nothing: one message over the limit and none is published
        for (const msg of list) checkMessageSize(queue, toNewMessage(msg));
        const sent = list.map((msg) => deps.publish(decodeURIComponent(m[1] as string), toNewMessage(msg)));
        return json(202, { sent });
      },
    ],
    [
      'GET',
      /^\/_local\/queues\/([^/]+)\/deadletters$/,
      async (_, m) => json(200, deps.queueStore.deadLetters(decodeURIComponent(m[1] as string))),
    ],
    ['GET', /^\/_local\/deadletters$/, async () => json(200, deps.queueStore.deadLetters())],
    ['GET', /^\/_local\/durable\/stats$/, async () => json(200, deps.durableStats() ?? null)],
    ['GET', /^\/_local\/cosmos\/stats$/, async () => json(200, deps.cosmosStats() ?? null)],
    ['GET', /^\/_local\/process$/, async () => json(200, processFigures())],
    [
      'GET',
      /^\/_local\/topics\/([^/]+)\/messages$/,
      async (req, m) => {
        const limit = Number(req.url.searchParams.get('limit') ?? 1000);
        if (!Number.isInteger(limit) || limit < 1) throw new BadRequest('limit must be a positive integer');
        return json(200, deps.topicStore.list(decodeURIComponent(m[1] as string), limit));
      },
    ],
    ['GET', /^\/_local\/topics$/, async () => json(200, deps.topicStore.list())],
    [
      'POST',
      /^\/_local\/feeds$/,
      async (req) => {
        const body = parseBody(feedDropSchema, req);
        const content =
          body.base64 !== undefined
            ? Buffer.from(body.base64, 'base64')
            : Buffer.from(body.csv ?? '', 'utf8');
        if (content.length === 0) throw new BadRequest('give the data file as csv (text) or base64');
        const drop = await dropFeed(
          deps.feedService(),
          body.container ?? deps.feedContainer,
          content,
          body.businessDate,
          body.version,
        );
        await deps.flushBlobs();
        await deps.pollBlobs();
        return json(201, drop);
      },
    ],
    [
      'POST',
      /^\/_local\/tokens$/,
      async (req) => {
        const body = parseBody(tokenSchema, req);
        const claims =
          'member' in body
            ? { sub: body.member, roles: [] }
            : 'ops' in body
              ? { sub: 'ops-local', roles: ['ops'] }
              : 'enrolment' in body
                ? { sub: 'onboarding-local', roles: ['enrolment'] }
                : body;
        return json(201, {
          token: mintDevToken(deps.secret, claims, wallClockMs()),
          sub: claims.sub,
          roles: claims.roles,
        });
      },
    ],
    [
      'GET',
      /^\/_local\/idle$/,
      async (req) => {
        const timeoutMs = Number(req.url.searchParams.get('timeoutMs') ?? 30_000);
        const idle = await deps.waitIdle(Number.isFinite(timeoutMs) ? timeoutMs : 30_000);
        return json(idle ? 200 : 503, { idle, now: new Date(deps.clock.now()).toISOString() });
      },
    ],
  ];
  return {
    owns: (pathname: string) => pathname === '/_local' || pathname.startsWith('/_local/'),
    // feed files arrive whole (base64); V8 strings cap what countCsvRecords can read at ~512 MiB
    bodyLimitBytes: 256 * 1024 * 1024,
    async handle(req: PlainRequest): Promise<PlainResponse> {
      if (!keyMatches(req.headers[ADMIN_KEY_HEADER], deps.adminKey))
        return json(401, { error: `missing or wrong ${ADMIN_KEY_HEADER}` });
      const path = req.url.pathname.replace(/\/+$/, '') || '/';
      for (const [method, pattern, handler] of routes) {
        const m = pattern.exec(path);
        if (!m) continue;
        if (method !== req.method) continue;
        try {
          return await handler(req, m);
        } catch (err) {
          if (
            err instanceof BadRequest ||
            (err instanceof Error && /duration|business date|version must/.test(err.message))
          )
            return json(400, { error: err.message });
          if (err instanceof MessageSizeExceeded) return json(413, { error: err.message, code: err.code });
          throw err;
        }
      }
      return json(404, { error: `no admin endpoint ${req.method} ${path}` });
    },
  };
}
