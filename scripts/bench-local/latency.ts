import type { BenchRuntime } from './runtime';
import { fmt, mapLimit, ok, percentile, sleep } from './util';

export interface LatencyOptions {
  rate: number;
  durationS: number;
  warmupS: number;
  cohort: number;
  /** Pause between two progress polls of one member (after the previous answer), at least. */
  pollMs: number;
  /** ...and at least this fraction of the oldest outstanding message's age (bounds the probe's own load). */
  pollBackoff: number;
  timeoutMs: number;
  tag: string;
}

export interface LatencyResult {
  messages: number;
  achievedRate: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
  missed: number;
  pollsPerMessage: number;
  publishP50: number;
  publishP99: number;
  /** Over the measured window: the runtime's main thread busy, and CPU of all its threads, % of one core. */
  runtimeBusyPct: number;
  runtimeCpuPct: number;
}

interface ProcessFigures {
  eventLoop: { activeMs: number; idleMs: number };
  cpuMs: { user: number; system: number };
}

interface Member {
  memberId: string;
  token: string;
  expectedCents: number;
}

/**
 * Part (a), real clock: enrols a cohort, then publishes one instant (SETTLED) Apple Pay load every
 * 1/rate s through the admin queue API, open loop (a slow answer never delays the next message), and
 * polls `GET /api/me/progress` of that member, from `pollMs` after the publish is acknowledged, until
 * `progressCents` includes it. Latency = publish sent → first answer showing it. One poller per member, every `pollMs` after an answer, backing off to
 * `pollBackoff` × the oldest outstanding message's age: a poll costs the runtime about as much as a
 * message, and without the back-off a runtime that falls behind (a GC pause, cold code) is buried under
 * the probe's reads and never catches up, which measures the probe, not the runtime. The back-off
 * overstates a latency by at most that fraction. During the first `warmupS` seconds the rate ramps up
 * from 10% to `rate` (cold code runs several times slower); those messages are not counted.
 */
export async function runLatency(
  rt: BenchRuntime,
  o: LatencyOptions,
  log: (l: string) => void,
): Promise<LatencyResult> {
  const { client } = rt;
  const enrolToken = await client.token({ enrolment: true });
  const ids = Array.from({ length: o.cohort }, (_, i) => `L${o.tag}-${String(i).padStart(5, '0')}`);
  const t0 = performance.now();
  const members: Member[] = await mapLimit(ids, 16, async (memberId) => {
    ok(
      await client.api('POST', '/api/enrolments', { token: enrolToken, body: { memberId } }),
      `enrolment of ${memberId}`,
    );
    return { memberId, token: await client.token({ member: memberId }), expectedCents: 0 };
  });
  log(`latency: enrolled ${members.length} members in ${fmt((performance.now() - t0) / 1000)} s`);
  ok(await client.admin('GET', '/_local/idle?timeoutMs=120000'), 'idle');

  const progressUrl = `${rt.baseUrl}/api/me/progress`;
  const progressCents = async (m: Member): Promise<number> => {
    const res = await fetch(progressUrl, { headers: { authorization: `Bearer ${m.token}` } });
    const body = (await res.json()) as { progressCents?: number };
    if (res.status !== 200)
      throw new Error(`progress of ${m.memberId}: HTTP ${res.status} ${JSON.stringify(body)}`);
    return body.progressCents ?? 0;
  };

  const schedule = sendSchedule(o.rate, o.warmupS, o.durationS);
  const warmup = schedule.warmup;
  const total = schedule.dueMs.length;
  const latencies: number[] = [];
  const publishTimes: number[] = [];
  let missed = 0;
  let polls = 0;
  let done = 0;
  let failures = 0;
  let firstError: unknown;

  interface Pending {
    i: number;
    expected: number;
    sent: number;
  }
  const pendingBy = new Map<string, Pending[]>();
  const polling = new Set<string>();
  const settle = (i: number, seenMs: number | undefined): void => {
    if (i < warmup) return;
    if (seenMs === undefined) missed += 1;
    else latencies.push(seenMs);
  };
  /** One poller per member, however many of its messages are outstanding: the probe adds no more load than needed. */
  const pollMember = async (m: Member): Promise<void> => {
    polling.add(m.memberId);
    try {
      for (;;) {
        const pending = pendingBy.get(m.memberId) ?? [];
        if (pending.length === 0) return;
        polls += 1;
        const cents = await progressCents(m);
        const at = performance.now();
        // messages published while the request was under way are in the current list too
        const still = (pendingBy.get(m.memberId) ?? []).filter((p) => {
          if (cents >= p.expected) settle(p.i, at - p.sent);
          else if (at - p.sent > o.timeoutMs) settle(p.i, undefined);
          else return true;
          done += 1;
          return false;
        });
        pendingBy.set(m.memberId, still);
        if (still.length === 0) return;
        // every pollMs while fresh, then a fraction of the oldest message's age (see above)
        const oldest = Math.min(...still.map((p) => p.sent));
        await sleep(Math.max(o.pollMs, o.pollBackoff * (performance.now() - oldest)));
      }
    } finally {
      polling.delete(m.memberId);
    }
  };

  const one = async (i: number): Promise<void> => {
    const m = members[i % members.length] as Member;
    const cents = 100 + (i % 900);
    m.expectedCents += cents;
    const expected = m.expectedCents;
    const amount = (cents / 100).toFixed(2);
    const at = new Date().toISOString();
    const transactionId = `T${o.tag}-${i}`;
    const message = {
      messageId: `${transactionId}:SETTLED`,
      body: {
        transactionId,
        memberId: m.memberId,
        type: 'LOAD',
        method: 'APPLE_PAY',
        status: 'SETTLED',
        amount,
        currency: 'AUD',
        audAmount: amount,
        initiatedAt: at,
        settledAt: at,
      },
    };
    const sent = performance.now();
    ok(await client.admin('POST', '/_local/queues/card-transactions/messages', message), 'publish');
    if (i >= warmup) publishTimes.push(performance.now() - sent);
    // polling starts pollMs after the queue has the message: a read before that cannot show it, and one
    // right after could not either (the message has yet to be delivered, applied and committed)
    pendingBy.set(m.memberId, [...(pendingBy.get(m.memberId) ?? []), { i, expected, sent }]);
    if (polling.has(m.memberId)) return;
    polling.add(m.memberId);
    await sleep(o.pollMs);
    await pollMember(m);
  };

  log(
    `latency: publishing ${total} messages at ${o.rate}/s (${o.warmupS} s ramp-up not counted, ${o.durationS} s measured), polls ${o.pollMs} ms after an answer or ${o.pollBackoff} × the message's age`,
  );
  const inflight: Promise<void>[] = [];
  const start = performance.now();
  let lastSent = start;
  let measuredStart = start;
  const processFigures = async (): Promise<{ at: number; figures: ProcessFigures }> => {
    const at = performance.now();
    return {
      at,
      figures: ok(await client.admin('GET', '/_local/process'), 'process figures').body as ProcessFigures,
    };
  };
  let figuresAtStart: ReturnType<typeof processFigures> | undefined;
  let reported = start;
  for (let i = 0; i < total; i += 1) {
    const due = start + (schedule.dueMs[i] as number);
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    if (i === warmup) {
      measuredStart = performance.now();
      figuresAtStart = processFigures();
    }
    lastSent = performance.now();
    inflight.push(
      one(i).then(
        () => undefined,
        (error: unknown) => {
          failures += 1;
          firstError ??= error;
        },
      ),
    );
    if (performance.now() - reported >= 5000) {
      reported = performance.now();
      const sorted = [...latencies].sort((a, b) => a - b);
      log(
        `latency: t=${fmt((reported - start) / 1000, 0)} s sent=${i + 1} visible=${done} measured=${sorted.length} p50_ms=${fmt(percentile(sorted, 50))} p99_ms=${fmt(percentile(sorted, 99))} missed=${missed}`,
      );
    }
  }
  const figuresAtEnd = processFigures();
  await Promise.all(inflight);
  while (polling.size > 0) await sleep(10);
  if (failures > 0)
    throw new Error(`${failures} message(s) failed; first: ${String(firstError)}`, { cause: firstError });
  const measured = total - warmup;
  const sorted = latencies.sort((a, b) => a - b);
  const pub = publishTimes.sort((a, b) => a - b);
  return {
    messages: measured,
    achievedRate: measured > 1 ? (measured - 1) / ((lastSent - measuredStart) / 1000) : 0,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? NaN,
    mean: sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length),
    missed,
    pollsPerMessage: polls / Math.max(1, total),
    publishP50: percentile(pub, 50),
    publishP99: percentile(pub, 99),
    ...usage(await (figuresAtStart ?? figuresAtEnd), await figuresAtEnd),
  };
}

/**
 * When each message is due, in ms from the start: a linear ramp from 10% of `rate` to `rate` over
 * `warmupS` (the first `warmup` messages), then `rate` for `durationS`.
 */
export function sendSchedule(
  rate: number,
  warmupS: number,
  durationS: number,
): { dueMs: number[]; warmup: number } {
  const dueMs: number[] = [];
  const rampMs = warmupS * 1000;
  for (let t = 0; t < rampMs; t += 1000 / (rate * (0.1 + (0.9 * t) / rampMs))) dueMs.push(t);
  const warmup = dueMs.length;
  const steady = Math.round(rate * durationS);
  for (let k = 0; k < steady; k += 1) dueMs.push(rampMs + (k * 1000) / rate);
  return { dueMs, warmup };
}

function usage(
  a: { at: number; figures: ProcessFigures },
  b: { at: number; figures: ProcessFigures },
): { runtimeBusyPct: number; runtimeCpuPct: number } {
  const active = b.figures.eventLoop.activeMs - a.figures.eventLoop.activeMs;
  const idle = b.figures.eventLoop.idleMs - a.figures.eventLoop.idleMs;
  const cpu = b.figures.cpuMs.user + b.figures.cpuMs.system - (a.figures.cpuMs.user + a.figures.cpuMs.system);
  return {
    runtimeBusyPct: (100 * active) / Math.max(1, active + idle),
    runtimeCpuPct: (100 * cpu) / Math.max(1, b.at - a.at),
  };
}
