// `npm start`: builds the app and the console (scripts/build/web.js), then runs the local runtime (dist/local/start.js) with the given flags.
// `npm start -- --help` prints the runtime's usage without building (it runs local/start.ts through tsx).
// Plain CommonJS so it runs before anything is compiled.
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS on purpose: it runs before anything is compiled */
const { spawn, spawnSync } = require('node:child_process');
const { join } = require('node:path');

const root = join(__dirname, '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);

/** The commands `npm start -- <args>` runs, in order. */
function plan(args) {
  if (args.includes('--help') || args.includes('-h'))
    return [{ command: bin('tsx'), args: [join(root, 'local', 'start.ts'), '--help'] }];
  return [
    { command: bin('tsc'), args: ['-p', join(root, 'tsconfig.build.json')] },
    { command: process.execPath, args: [join(root, 'scripts', 'build', 'web.js')] },
    { command: process.execPath, args: [join(root, 'dist', 'local', 'start.js'), ...args], last: true },
  ];
}

function main() {
  for (const step of plan(process.argv.slice(2))) {
    if (!step.last) {
      const done = spawnSync(step.command, step.args, { stdio: 'inherit', cwd: process.cwd() });
      if (done.status !== 0) process.exit(done.status ?? 1);
      continue;
    }
    // the runtime handles SIGINT/SIGTERM itself (a second one exits at once): pass them on, exit as it does
    const child = spawn(step.command, step.args, { stdio: 'inherit', cwd: process.cwd() });
    for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
    child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
  }
}

if (require.main === module) main();
module.exports = { plan };
