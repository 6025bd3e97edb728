import { spawnSync } from 'node:child_process';
import path from 'node:path';

// The lint rules are the guard against non-determinism in replayed code, so prove they fire.
// ESLint runs as a subprocess because its flat config is ESM, which Jest's VM cannot import.
describe('determinism lint for orchestrators and entities', () => {
  const root = path.resolve(__dirname, '../..');

  function reported(file: string): string[] {
    const eslintBin = path.join(root, 'node_modules/eslint/bin/eslint.js');
    const target = path.join('tests/fixtures/lint/replayed', file);
    const run = spawnSync(process.execPath, [eslintBin, '--no-ignore', '--format', 'json', target], {
      cwd: root,
      encoding: 'utf8',
    });
    const [result] = JSON.parse(run.stdout) as Array<{
      messages: Array<{ line: number; ruleId: string | null }>;
    }>;
    return (result?.messages ?? []).map((m) => `${m.line}:${m.ruleId ?? 'parse-error'}`);
  }

  it('reports Date.now(), new Date(), Math.random, process.env and a Node built-in import', () => {
    expect(reported('wallClock.ts')).toEqual(
      expect.arrayContaining([
        '2:no-restricted-imports',
        '5:no-restricted-syntax',
        '6:no-restricted-syntax',
        '7:no-restricted-syntax',
        '8:no-restricted-syntax',
      ]),
    );
  }, 60_000);

  it('accepts time passed in as data', () => {
    expect(reported('clean.ts')).toEqual([]);
  }, 60_000);
});
