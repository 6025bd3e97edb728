import { parseArgs } from 'node:util';
import { z } from 'zod';
import { parseDelivery, type DeliveryOptions } from '../durable/delivery';
import { parseDuration } from './duration';

/** How `npm start` runs; every flag also has an environment variable (flag wins). */
export interface RuntimeOptions {
  appEntry: string;
  dataDir: string;
  clock: { mode: 'real' } | { mode: 'virtual'; startMs?: number };
  port: number;
  azuritePort: number;
  cosmosPort: number;
  /** Undefined: the port of POINTS_API_URL. */
  pointsPort: number | undefined;
  points: boolean;
  virtualTimerMinIntervalMs: number;
  redeliveryDelayMs: number;
  /** Entity message delivery of the durable engine (docs/local-runtime.md § Adversarial delivery). */
  delivery: DeliveryOptions;
}

export const USAGE = `Usage: npm start -- [options]     (or: node dist/local/start.js [options])

  --app <file>             compiled app entry            [LOCAL_APP, default dist/src/index.js]
  --data-dir <dir>         emulator and host state       [LOCAL_DATA_DIR, default .local]
  --clock real|virtual[=<ISO instant>]                   [LOCAL_CLOCK, default real]
  --port <n>               Functions host HTTP port      [LOCAL_PORT, default 7071]
  --azurite-port <n>       Azurite blob port             [LOCAL_AZURITE_PORT, default 10000]
  --cosmos-port <n>        Cosmos emulator port          [LOCAL_COSMOS_PORT, default 8081]
  --points-port <n>        points stand-in port          [LOCAL_POINTS_PORT, default: POINTS_API_URL's]
  --no-points              do not start the points stand-in
  --timer-min-interval <d> virtual clock: least time between two firings of one timer trigger
                                                         [LOCAL_TIMER_MIN_INTERVAL, default 15m]
  --redelivery-delay <d>   wait before a failed queue message is offered again
                                                         [LOCAL_REDELIVERY_DELAY, default 250ms]
  --delivery fifo|adversarial  entity messages in send order, or as Azure may deliver them at its
                           worst: client signals and different senders shuffled, client signals
                           sometimes twice                [LOCAL_DELIVERY, default fifo]
  --seed <n>               adversarial delivery's seed   [LOCAL_DELIVERY_SEED, default random, printed]
  -h, --help
`;

/**
 * The line `npm start` prints once it serves: where health answers and how to point the CLI at this
 * runtime; `--url` and `--data-dir` appear only when they differ from the CLI's defaults.
 */
export function readyLine(port: number, dataDir: string): string {
  const flags = [
    ...(port === 7071 ? [] : [`--url http://127.0.0.1:${port}`]),
    ...(dataDir === '.local' ? [] : [`--data-dir ${dataDir}`]),
  ].join(' ');
  const cli = `npm run cli -- help${flags ? ` ${flags}` : ''}`;
  const link = `npm run cli -- console-link --ops${flags ? ` ${flags}` : ''}`;
  return `ready: http://127.0.0.1:${port}/api/health · console: http://127.0.0.1:${port}/api/console/ops (sign in: ${link}) · CLI: ${cli} · stop with Ctrl+C`;
}

const port = z.coerce.number().int().min(0).max(65535);

function parseClock(text: string): RuntimeOptions['clock'] {
  if (text === 'real') return { mode: 'real' };
  const m = /^virtual(?:=(.+))?$/.exec(text);
  if (!m) throw new Error(`--clock must be "real", "virtual" or "virtual=<ISO instant>", got "${text}"`);
  if (m[1] === undefined) return { mode: 'virtual' };
  const startMs = Date.parse(m[1]);
  if (Number.isNaN(startMs)) throw new Error(`--clock virtual=<ISO instant>: "${m[1]}" is not an instant`);
  return { mode: 'virtual', startMs };
}

/** Parses argv + env; throws with a readable message on a bad value. Returns undefined for --help. */
export function parseRuntimeOptions(argv: string[], env: NodeJS.ProcessEnv): RuntimeOptions | undefined {
  const { values } = parseArgs({
    args: argv,
    options: {
      app: { type: 'string' },
      'data-dir': { type: 'string' },
      clock: { type: 'string' },
      port: { type: 'string' },
      'azurite-port': { type: 'string' },
      'cosmos-port': { type: 'string' },
      'points-port': { type: 'string' },
      'no-points': { type: 'boolean' },
      'timer-min-interval': { type: 'string' },
      'redelivery-delay': { type: 'string' },
      delivery: { type: 'string' },
      seed: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) return undefined;
  const pointsPort = values['points-port'] ?? env['LOCAL_POINTS_PORT'];
  return {
    appEntry: values.app ?? env['LOCAL_APP'] ?? 'dist/src/index.js',
    dataDir: values['data-dir'] ?? env['LOCAL_DATA_DIR'] ?? '.local',
    clock: parseClock(values.clock ?? env['LOCAL_CLOCK'] ?? 'real'),
    port: port.parse(values.port ?? env['LOCAL_PORT'] ?? 7071),
    azuritePort: port.parse(values['azurite-port'] ?? env['LOCAL_AZURITE_PORT'] ?? 10000),
    cosmosPort: port.parse(values['cosmos-port'] ?? env['LOCAL_COSMOS_PORT'] ?? 8081),
    pointsPort: pointsPort === undefined ? undefined : port.parse(pointsPort),
    points: !values['no-points'],
    virtualTimerMinIntervalMs: parseDuration(
      values['timer-min-interval'] ?? env['LOCAL_TIMER_MIN_INTERVAL'] ?? '15m',
    ),
    redeliveryDelayMs: parseDuration(values['redelivery-delay'] ?? env['LOCAL_REDELIVERY_DELAY'] ?? '250ms'),
    delivery: parseDelivery(
      values.delivery ?? env['LOCAL_DELIVERY'] ?? 'fifo',
      values.seed ?? env['LOCAL_DELIVERY_SEED'],
    ),
  };
}
