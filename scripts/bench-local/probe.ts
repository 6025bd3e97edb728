/**
 * Diagnostic companion of `npm run bench:local` (not part of it): how fast the runtime drains the
 * real-time queue with nobody polling, and what one progress read costs with no messages flowing.
 *
 *   npx tsx scripts/bench-local/probe.ts [--rate 200] [--messages 4000] [--cohort 500] [--reads 3000]
 *       [--concurrency 8] [--node-arg=--cpu-prof ...]   (run `npm run bench:local` once first: it builds)
 */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startBenchRuntime, stopAll } from './runtime';
import { fmt, mapLimit, ok, percentile, sleep } from './util';

const root = resolve(__dirname, '..', '..');
const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '200' },
    messages: { type: 'string', default: '4000' },
    cohort: { type: 'string', default: '500' },
    reads: { type: 'string', default: '3000' },
    concurrency: { type: 'string', default: '8' },
    'node-arg': { type: 'string', multiple: true, default: [] },
  },
});
const log = (l: string): void => console.log(`[probe] ${l}`);

async function main(): Promise<void> {
  const rt = await startBenchRuntime({
    root,
    distDir: join(root, '.local', 'bench-dist'),
    name: 'probe',
    clock: 'real',
    log,
    nodeArgs: values['node-arg'],
  });
  try {
    const { client } = rt;
    const enrol = await client.token({ enrolment: true });
    const tag = Date.now().toString(36).toUpperCase();
    const ids = Array.from({ length: Number(values.cohort) }, (_, i) => `P${tag}-${i}`);
    const tokens = await mapLimit(ids, 16, async (memberId) => {
      ok(await client.api('POST', '/api/enrolments', { token: enrol, body: { memberId } }), 'enrol');
      return client.token({ member: memberId });
    });
    ok(await client.admin('GET', '/_local/idle?timeoutMs=120000'), 'idle');

    // 1. progress reads only
    const n = Number(values.reads);
    const lat: number[] = [];
    const t1 = performance.now();
    await mapLimit(
      Array.from({ length: n }, (_, i) => i),
      Number(values.concurrency),
      async (i) => {
        const s = performance.now();
        const r = await fetch(`${rt.baseUrl}/api/me/progress`, {
          headers: { authorization: `Bearer ${tokens[i % tokens.length]}` },
        });
        await r.arrayBuffer();
        lat.push(performance.now() - s);
      },
    );
    const readS = (performance.now() - t1) / 1000;
    lat.sort((a, b) => a - b);
    log(
      `progress reads: ${n} at concurrency ${values.concurrency} in ${fmt(readS, 2)} s = ${fmt(n / readS, 0)}/s p50_ms=${fmt(percentile(lat, 50))} p99_ms=${fmt(percentile(lat, 99))}`,
    );

    // 2. messages only, open loop at `rate`, nobody polling; time until the queue and engine are idle
    const rate = Number(values.rate);
    const total = Number(values.messages);
    const sends: Promise<unknown>[] = [];
    const t2 = performance.now();
    for (let i = 0; i < total; i += 1) {
      const due = t2 + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 1) await sleep(wait);
      const at = new Date().toISOString();
      const memberId = ids[i % ids.length] as string;
      sends.push(
        client.admin('POST', '/_local/queues/card-transactions/messages', {
          messageId: `Q${tag}-${i}:SETTLED`,
          body: {
            transactionId: `Q${tag}-${i}`,
            memberId,
            type: 'LOAD',
            method: 'APPLE_PAY',
            status: 'SETTLED',
            amount: '1.00',
            currency: 'AUD',
            audAmount: '1.00',
            initiatedAt: at,
            settledAt: at,
          },
        }),
      );
    }
    const sentS = (performance.now() - t2) / 1000;
    await Promise.all(sends);
    ok(await client.admin('GET', '/_local/idle?timeoutMs=600000'), 'idle');
    const drainS = (performance.now() - t2) / 1000;
    log(
      `messages: ${total} offered at ${rate}/s over ${fmt(sentS, 1)} s; queue and engine idle after ${fmt(drainS, 1)} s = ${fmt(total / drainS, 0)} messages/s processed`,
    );
  } finally {
    await rt.stop(values['node-arg'].length > 0);
  }
}

main().catch(async (e: unknown) => {
  console.error(e);
  await stopAll(true);
  process.exit(1);
});
