import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '../..');

describe('a bad setting stops the host at start-up (issue 11.7)', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'bad-setting-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('CAMPAIGN_TIME_ZONE=Mars/Base: no `ready`, exit code 5, the setting named', () => {
    // the app's entry point as Azure's worker would load it (here through tsx, not a build)
    const run = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        join(ROOT, 'local/start.ts'),
        ...['--app', join(ROOT, 'src/index.ts'), '--data-dir', dir, '--no-points'],
        ...['--port', '0', '--azurite-port', '0', '--cosmos-port', '0'],
      ],
      {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 90_000,
        env: { ...process.env, CAMPAIGN_TIME_ZONE: 'Mars/Base' },
      },
    );
    expect(run.stdout).not.toMatch(/ready: http/);
    expect(run.status).toBe(5);
    expect(run.stderr).toContain('Worker was unable to load entry point');
    expect(run.stderr).toContain('CAMPAIGN_TIME_ZONE: must be an IANA time zone such as Australia/Sydney');
    expect(run.stdout).not.toMatch(/registered \d+ function/);
  }, 100_000);
});
