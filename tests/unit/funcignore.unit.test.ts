import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { funcignoreFilter } from '../../scripts/package/stage';

// .funcignore is applied with gitignore semantics (azd: go-gitignore; Core Tools: its gitignore parser):
// a pattern without a slash matches a file or folder of that name at any depth.

const text = readFileSync(join(__dirname, '..', '..', '.funcignore'), 'utf8');

const KEPT = [
  'dist/src/index.js',
  'dist/src/functions/httpApi.js',
  'dist/web/ops.html',
  'dist/web/assets/ops.js',
  'host.json',
  'package.json',
  'node_modules/durable-functions/lib/src/index.js',
  'node_modules/@azure/functions/dist/azure-functions.js',
  'node_modules/zod/v4/core/api.js',
];
const DROPPED = [
  'src/index.ts',
  'local/start.ts',
  'web/src/ops.ts',
  'web/ops.html',
  'dist/local/start.js',
  'dist/scripts/feed/bench.js',
  'tests/unit/money.unit.test.ts',
  'scripts/package/stage.ts',
  'docs/operations.md',
  'README.md',
  'tsconfig.json',
  'local.settings.json',
  'node_modules/.bin/tsc',
];

function verdicts(patterns: string): { kept: string[]; dropped: string[] } {
  const keep = funcignoreFilter(patterns);
  // a file is in the package only if it and every folder above it are kept (gitignore does not descend)
  const inPackage = (p: string): boolean => {
    const parts = p.split('/');
    return parts.every((_, i) => keep(parts.slice(0, i + 1).join('/'), i < parts.length - 1));
  };
  return {
    kept: [...KEPT, ...DROPPED].filter(inPackage),
    dropped: [...KEPT, ...DROPPED].filter((p) => !inPackage(p)),
  };
}

describe('.funcignore', () => {
  it('keeps the entry point and dependency folders named src, drops sources, tests and the local runtime', () => {
    expect(verdicts(text)).toEqual({ kept: KEPT, dropped: DROPPED });
  });

  it('would catch the unanchored patterns that dropped dist/src and node_modules/*/lib/src', () => {
    const unanchored = 'src\nlocal\nscripts\ntests\ndocs\n';
    expect(verdicts(unanchored).dropped).toEqual(
      expect.arrayContaining(['dist/src/index.js', 'node_modules/durable-functions/lib/src/index.js']),
    );
  });
});
