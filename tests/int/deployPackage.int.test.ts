import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { funcignoreFilter, listKept, stagePackage, type StagedPackage } from '../../scripts/package/stage';

// Builds the deployment package exactly as `azd deploy` (prepackage hook) and the GitHub workflow do, and
// checks what a Functions host needs is in it and what it must not carry is not.

const root = join(__dirname, '..', '..');

interface LockEntry {
  optional?: boolean;
  link?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, LockEntry>;
};

/** Node's lookup in the lockfile tree: the nearest node_modules/<name> from `from` upwards. */
function resolveIn(from: string, name: string): string | undefined {
  for (let dir = from; ;) {
    const candidate = `${dir ? `${dir}/` : ''}node_modules/${name}`;
    if (lock.packages[candidate]) return candidate;
    if (!dir) return undefined;
    const up = dir.lastIndexOf('/node_modules/');
    dir = up < 0 ? '' : dir.slice(0, up);
  }
}

/**
 * The runtime dependency tree: what the app's `dependencies` need, transitively (optional ones may be
 * missing on this platform). The workspace's own dependencies (the local runtime) are not part of it.
 */
function runtimeTree(): { required: Set<string>; reachable: Set<string> } {
  const required = new Set<string>();
  const reachable = new Set<string>();
  const visit = (path: string, optional: boolean): void => {
    const entry = lock.packages[path];
    if (!entry || (reachable.has(path) && (optional || required.has(path)))) return;
    reachable.add(path);
    const isRequired = !optional && !entry.optional;
    if (isRequired) required.add(path);
    const edges: [string, boolean][] = [
      ...Object.keys(entry.dependencies ?? {}).map((n): [string, boolean] => [n, false]),
      ...Object.keys(entry.optionalDependencies ?? {}).map((n): [string, boolean] => [n, true]),
      ...Object.keys(entry.peerDependencies ?? {}).map((n): [string, boolean] => [
        n,
        entry.peerDependenciesMeta?.[n]?.optional === true,
      ]),
    ];
    for (const [name, edgeOptional] of edges) {
      const target = resolveIn(path, name);
      if (target) visit(target, !isRequired || edgeOptional);
    }
  };
  const rootEntry = lock.packages[''] ?? {};
  for (const name of Object.keys(rootEntry.dependencies ?? {})) {
    const target = resolveIn('', name);
    if (target) visit(target, false);
  }
  return { required, reachable };
}

const tree = runtimeTree();
const runtime = [...tree.required];
const notRuntime = Object.keys(lock.packages).filter(
  (p) => p.startsWith('node_modules/') && !tree.reachable.has(p) && !lock.packages[p]?.link,
);

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

  it('holds the console the app serves: both pages, their bundles and the style sheet', () => {
    expect(staged.files).toEqual(
      expect.arrayContaining([
        'dist/src/functions/console/consoleFunctions.js',
        'dist/web/ops.html',
        'dist/web/member.html',
        'dist/web/assets/ops.js',
        'dist/web/assets/member.js',
        'dist/web/assets/console.css',
      ]),
    );
    // built bundles only: no TypeScript source of the console, no esbuild
    expect(staged.files.filter((f) => f.startsWith('web/') || f.startsWith('node_modules/esbuild/'))).toEqual(
      [],
    );
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
    const folders = new Set(
      staged.files.flatMap((f) => f.split('/').map((_, i, parts) => parts.slice(0, i).join('/'))),
    );
    const inPackage = (pkg: string) => folders.has(pkg);
    // dev dependencies and the local runtime workspace's dependencies (azurite, better-sqlite3, tsx, ...)
    expect(notRuntime).toEqual(
      expect.arrayContaining(['node_modules/typescript', 'node_modules/jest', 'node_modules/azurite']),
    );
    expect(notRuntime.filter(inPackage)).toEqual([]);
    expect(staged.files.filter((f) => f.startsWith('node_modules/@cold-member/'))).toEqual([]);
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
