// Throughput of the local engine on a member-shaped workload (virtual clock, file or memory store).
// Run: npx tsx local/durable/testing/bench.ts [members=500] [dbPath=:memory:]
import { installFunctionsCore } from '../../functionsCore';

const registry = installFunctionsCore();

async function main(): Promise<void> {
  // Imported after the core module is installed: @azure/functions caches a failed lookup.
  const df = await import('durable-functions');
  const { virtualClock } = await import('../../clock');
  const { createDurableEngine } = await import('../engine');
  const DAY = 86_400_000;
  df.app.activity('benchAct', { handler: (x: unknown) => x });
  df.app.entity<number>('BenchMember', (ctx) => {
    ctx.df.setState((ctx.df.getState(() => 0) ?? 0) + 1);
    ctx.df.return(ctx.df.getState());
  });
  df.app.orchestration('benchFlow', function* (ctx) {
    const member = new df.EntityId('BenchMember', String(ctx.df.getInput()));
    yield ctx.df.callEntity(member, 'enrol');
    yield ctx.df.callActivity('benchAct', 'load');
    yield ctx.df.createTimer(new Date(ctx.df.currentUtcDateTime.getTime() + 31 * DAY));
    yield ctx.df.callActivity('benchAct', 'decide');
    return 'done';
  });

  const members = Number(process.argv[2] ?? 500);
  const dbPath = process.argv[3] ?? ':memory:';
  const clock = virtualClock(Date.UTC(2026, 10, 1));
  const engine = createDurableEngine({
    registry,
    dbPath,
    clock,
    baseUrl: 'http://127.0.0.1:7071',
    log: () => undefined,
  });
  await engine.start();
  const started = performance.now();
  for (let i = 0; i < members; i++) {
    await engine.handleWebhook({
      method: 'POST',
      path: `orchestrators/benchFlow/m-${i}`,
      query: new URLSearchParams(),
      body: JSON.stringify(`m-${i}`),
    });
  }
  await engine.whenIdle();
  await clock.advance(32 * DAY);
  const seconds = (performance.now() - started) / 1000;
  const { total } = engine.stats();
  const completed = await engine.handleWebhook({
    method: 'GET',
    path: 'instances/',
    query: new URLSearchParams('runtimeStatus=Completed&top=100000'),
    body: '',
  });
  const done = (JSON.parse(completed.body ?? '[]') as unknown[]).length;
  const perMember = Object.fromEntries(Object.entries(total).map(([k, v]) => [k, +(v / members).toFixed(2)]));
  console.log(
    JSON.stringify({
      members,
      dbPath,
      completed: done,
      seconds: +seconds.toFixed(2),
      membersPerSecond: +(members / seconds).toFixed(1),
      perMember,
    }),
  );
  await engine.stop();
}

void main();
