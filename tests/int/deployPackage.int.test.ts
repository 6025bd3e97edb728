import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { funcignoreFilter, listKept, stagePackage, type StagedPackage } from '../../scripts/package/stage';

// Builds the deployment package exactly as `azd deploy` (prepackage hook) and the GitHub workflow do, and
// checks what a Functions host needs is in it and what it must not carry is not.

const root = join(__dirname, '..', '..');

interface LockEntry {
  dev?: boolean;
  devOptional?: boolean;
  optional?: boolean;
}
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, LockEntry>;
};
const installed = Object.entries(lock.packages).filter(([p]) => p.startsWith('node_modules/'));
const runtime = installed.filter(([, e]) => !e.dev && !e.devOptional && !e.optional).map(([p]) => p);
const devOnly = installed.filter(([, e]) => e.dev).map(([p]) => p);

let staged: StagedPackage;
let outDir: string;
const lines: string[] = [];

beforeAll(() => {
  outDir = join(mkdtempSync(join(tmpdir(), 'cma-package-')), 'package');
  staged = stagePackage({ root, outDir, log: (line) => lines.push(line) });
  process.stdout.write(`${lines.join('\n')}\n`);
}, 300_000);

afterAll(() => {
  if (outDir) rmSync(join(outDir, '..'), { recursive: true, force: true });
});

describe('the deployment package (scripts/package/stage.ts)', () => {
  it('holds the entry point of package.json "main", host.json and the lockfile', () => {
    const main = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { main: string }).main;
    expect(main).toBe('dist/src/index.js');
    expect(staged.files).toEqual(
      expect.arrayContaining([main, 'host.json', 'package.json', 'package-lock.json']),
    );
    expect(staged.files).toContain('dist/src/functions/httpApi.js');
  });

  it('holds every file of every runtime dependency in the lockfile', () => {
    expect(runtime).toEqual(
      expect.arrayContaining(['node_modules/durable-functions', 'node_modules/@azure/functions']),
    );
    const inPackage = new Set(staged.files);
    const keep = funcignoreFilter(readFileSync(join(root, '.funcignore'), 'utf8'));
    const missing = runtime.flatMap((pkg) =>
      listKept(join(root, pkg), (rel) => !rel.startsWith('node_modules'))
        .map((f) => `${pkg}/${f}`)
        .filter((f) => keep(f, false) && !inPackage.has(f)),
    );
    expect(missing.slice(0, 10)).toEqual([]);
    expect(inPackage.has('node_modules/durable-functions/lib/src/index.js')).toBe(true);
  });

  it('carries no dev dependency, test, local runtime, script or TypeScript source', () => {
    const present = new Set(staged.files.map((f) => /^(node_modules\/(@[^/]+\/)?[^/]+)/.exec(f)?.[1]));
    expect(devOnly.length).toBeGreaterThan(20);
    expect(devOnly.filter((p) => present.has(p))).toEqual([]);
    const own = staged.files.filter((f) => !f.startsWith('node_modules/'));
    expect(
      own.filter((f) => /^(src|local|tests|scripts|docs|infra|dist\/local|dist\/scripts)\//.test(f)),
    ).toEqual([]);
    expect(own.filter((f) => f.endsWith('.ts'))).toEqual([]);
    expect(own.filter((f) => /local\.settings|tsconfig|jest\.config|\.md$/.test(f))).toEqual([]);
  });

  it('prints its size', () => {
    expect(staged.bytes).toBeGreaterThan(0);
    expect(lines.join('\n')).toMatch(/package: \d+ files, [\d.]+ MiB unpacked/);
  });
});
