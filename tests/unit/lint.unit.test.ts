import { spawnSync } from 'node:child_process';
import path from 'node:path';

// The lint rules guard determinism in replayed code and the layer boundaries (issue 10.7), so prove they
// fire: each probe file in tests/fixtures/lint breaks a rule on known lines. ESLint runs once, as a
// subprocess, because its flat config is ESM, which Jest's VM cannot import.
const root = path.resolve(__dirname, '../..');
const FIXTURES = 'tests/fixtures/lint';
let results: Map<string, string[]>;

beforeAll(() => {
  const eslintBin = path.join(root, 'node_modules/eslint/bin/eslint.js');
  const run = spawnSync(process.execPath, [eslintBin, '--no-ignore', '--format', 'json', FIXTURES], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  const parsed = JSON.parse(run.stdout) as Array<{
    filePath: string;
    messages: Array<{ line: number; ruleId: string | null }>;
  }>;
  results = new Map(
    parsed.map((r) => [
      path.relative(path.join(root, FIXTURES), r.filePath),
      r.messages.map((m) => `${m.line}:${m.ruleId ?? 'parse-error'}`),
    ]),
  );
}, 120_000);

function reported(file: string): string[] {
  const messages = results.get(file);
  if (!messages) throw new Error(`eslint did not lint ${file}`);
  return messages;
}

/** The distinct lines a rule reported. */
const lines = (file: string, rule: string): number[] => [
  ...new Set(
    reported(file)
      .filter((m) => m.endsWith(`:${rule}`))
      .map((m) => Number(m.split(':')[0])),
  ),
];

describe('determinism lint for orchestrators and entities', () => {
  it('reports Date.now(), new Date(), Math.random, process.env and a Node built-in import', () => {
    expect(reported('replayed/wallClock.ts')).toEqual(
      expect.arrayContaining([
        '2:no-restricted-imports',
        '5:no-restricted-syntax',
        '6:no-restricted-syntax',
        '7:no-restricted-syntax',
        '8:no-restricted-syntax',
      ]),
    );
  });

  it('accepts time passed in as data', () => {
    expect(reported('replayed/clean.ts')).toEqual([]);
  });
});

describe('layer boundaries (eslint.config.mjs, no-restricted-imports per folder)', () => {
  it('the domain imports nothing outside itself but zod and luxon: an SDK, a built-in, an adapter, durable-functions', () => {
    expect(lines('domain/outside.ts', 'no-restricted-imports')).toEqual([2, 3, 4, 5]);
    expect(reported('domain/outside.ts').every((m) => m.endsWith(':no-restricted-imports'))).toBe(true);
  });

  it('entities and orchestrators import no adapter (documents included), no shell or composition root, no I/O SDK', () => {
    expect(lines('replayed/io.ts', 'no-restricted-imports')).toEqual([2, 3, 4, 5, 6]);
  });

  it("no file is exempt: the member entity and the orchestrator input get the replayed files' adapter rule", () => {
    const eslintBin = path.join(root, 'node_modules/eslint/bin/eslint.js');
    const importRule = (file: string): unknown => {
      const run = spawnSync(process.execPath, [eslintBin, '--print-config', file], {
        cwd: root,
        encoding: 'utf8',
        maxBuffer: 16 * 1024 * 1024,
      });
      return (JSON.parse(run.stdout) as { rules: Record<string, unknown> }).rules['no-restricted-imports'];
    };
    // the block the replayed/ probes are linted by (eslint.config.mjs lists them with src/entities/**)
    const probe = importRule('src/entities/notificationOutbox.ts');
    expect(JSON.stringify(probe)).toContain('(^|/)adapters(/|$)');
    for (const file of ['src/entities/memberOperations.ts', 'src/orchestrators/memberCampaignInput.ts']) {
      expect({ file, rule: importRule(file) }).toEqual({ file, rule: probe });
    }
  }, 60_000);

  it('adapters never import functions or the composition root', () => {
    expect(lines('adapters/shell.ts', 'no-restricted-imports')).toEqual([2, 3]);
  });

  it('app code never imports the local runtime', () => {
    expect(lines('app/local.ts', 'no-restricted-imports')).toEqual([2]);
  });

  it('the local runtime never imports the app (src/)', () => {
    expect(lines('local/app.ts', 'no-restricted-imports')).toEqual([2]);
  });
});
