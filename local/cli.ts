import { parseArgs } from 'node:util';
import { createLocalClient } from './cli/client';
import { commands, UsageError } from './cli/commands';
import { CLI_USAGE } from './cli/usage';

/** `npm run cli -- <command>`: drives a running local runtime through its admin and HTTP APIs. */
async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      url: { type: 'string' },
      'data-dir': { type: 'string' },
      member: { type: 'string' },
      ops: { type: 'boolean' },
      enrolment: { type: 'boolean' },
      at: { type: 'string' },
      'message-id': { type: 'string' },
      times: { type: 'string' },
      queue: { type: 'string' },
      date: { type: 'string' },
      version: { type: 'string' },
      'no-wait': { type: 'boolean' },
      timeout: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [name, ...args] = positionals;
  if (!name || name === 'help' || values.help) {
    process.stdout.write(CLI_USAGE);
    return name || values.help ? 0 : 2;
  }
  const command = commands[name];
  if (!command) throw new UsageError(`unknown command "${name}"`);
  const client = createLocalClient({
    baseUrl: values.url ?? process.env['LOCAL_URL'],
    dataDir: values['data-dir'] ?? process.env['LOCAL_DATA_DIR'],
  });
  await command(client, args, values, (text) => process.stdout.write(`${text}\n`));
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    const usage =
      err instanceof UsageError ||
      (err instanceof TypeError && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS'));
    process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    if (err instanceof Error && err.cause instanceof Error)
      process.stderr.write(`  cause: ${err.cause.message}\n`);
    if (usage) process.stderr.write(`\n${CLI_USAGE}`);
    process.exit(usage ? 2 : 1);
  },
);
