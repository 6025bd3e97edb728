import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { readyLine, USAGE } from '../../local/host/options';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { plan } = require('../../scripts/start.js') as {
  plan: (args: string[]) => { command: string; args: string[] }[];
};

describe('npm start', () => {
  it('prints help without building: --help and -h run only local/start.ts --help through tsx', () => {
    for (const flag of ['--help', '-h']) {
      const steps = plan(['--clock', 'virtual', flag]);
      expect(steps).toHaveLength(1);
      expect(steps[0]?.command).toMatch(/tsx$/);
      expect(steps[0]?.args).toEqual([expect.stringMatching(/local[/\\]start\.ts$/), '--help']);
    }
  });

  it('builds the app and the console, then runs the compiled runtime with the flags as given', () => {
    const steps = plan(['--port', '7501']);
    expect(steps.map((s) => s.args)).toEqual([
      ['-p', expect.stringMatching(/tsconfig\.build\.json$/)],
      [expect.stringMatching(/scripts[/\\]build[/\\]web\.js$/)],
      [expect.stringMatching(/dist[/\\]local[/\\]start\.js$/), '--port', '7501'],
    ]);
    expect(steps[0]?.command).toMatch(/tsc$/);
  });

  it('really prints the usage for --help', () => {
    const done = spawnSync(process.execPath, [join(__dirname, '../../scripts/start.js'), '--help'], {
      encoding: 'utf8',
    });
    expect(done.status).toBe(0);
    expect(done.stdout).toBe(USAGE);
  });

  it('says in the ready line how to point the CLI at a non-default port and data dir', () => {
    expect(readyLine(7071, '.local')).toBe(
      'ready: http://127.0.0.1:7071/api/health · console: http://127.0.0.1:7071/api/console/ops (sign in: npm run cli -- console-link --ops) · CLI: npm run cli -- help · stop with Ctrl+C',
    );
    expect(readyLine(7501, '.local/demo')).toBe(
      'ready: http://127.0.0.1:7501/api/health · console: http://127.0.0.1:7501/api/console/ops (sign in: npm run cli -- console-link --ops --url http://127.0.0.1:7501 --data-dir .local/demo) · CLI: npm run cli -- help --url http://127.0.0.1:7501 --data-dir .local/demo · stop with Ctrl+C',
    );
  });
});
