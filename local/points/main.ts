import { parseArgs } from 'node:util';
import { startPointsStandIn } from './server';
import { seededRandom } from './faults';

/** `node dist/local/points/main.js --port 7081 [--data credits.json] [--error-rate 0.1] ...` */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '7081' },
      host: { type: 'string', default: '127.0.0.1' },
      data: { type: 'string' },
      'error-rate': { type: 'string' },
      'latency-ms': { type: 'string' },
      'commit-then-timeout-rate': { type: 'string' },
      'commit-then-timeout-mode': { type: 'string' },
      'unknown-pattern': { type: 'string' },
      seed: { type: 'string' },
    },
  });
  const num = (text: string | undefined) => (text === undefined ? undefined : Number(text));
  const mode = values['commit-then-timeout-mode'];
  const standIn = await startPointsStandIn({
    port: Number(values.port),
    host: values.host,
    ...(values.data ? { dataFile: values.data } : {}),
    ...(values['unknown-pattern'] ? { unknownMember: new RegExp(values['unknown-pattern']) } : {}),
    ...(values.seed ? { random: seededRandom(Number(values.seed)) } : {}),
    faults: {
      errorRate: num(values['error-rate']),
      latencyMs: num(values['latency-ms']),
      commitThenTimeoutRate: num(values['commit-then-timeout-rate']),
      ...(mode === 'hang' || mode === 'destroy' || mode === 'mixed' ? { commitThenTimeoutMode: mode } : {}),
    },
  });
  process.stdout.write(`points stand-in listening on ${standIn.url}\n`);
  const stop = () => void standIn.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`points stand-in failed: ${String(error)}\n`);
  process.exit(1);
});
