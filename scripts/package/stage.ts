import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import ignore from 'ignore';

/**
 * The deployment package (the compiled app and its console), built the one way both `azd deploy` (the api service's prepackage hook, with
 * `dist: .deploy`) and the GitHub workflow build it: compile, install production dependencies only from
 * the lockfile, then drop what `.funcignore` excludes, with gitignore semantics as azd and Core Tools
 * apply it. The staging folder is the package; azd zips it (re-applying the copied `.funcignore`), the
 * workflow zips it with `--zip`.
 */
export interface StageOptions {
  root: string;
  /** Folder that becomes the package; emptied first. */
  outDir: string;
  log?: (line: string) => void;
  /** npm command (tests may point at a cached registry through npm_config_* instead). */
  npm?: string;
}

export interface StagedPackage {
  outDir: string;
  files: string[];
  bytes: number;
}

/** The files `.funcignore` lets through, as paths relative to `dir` with `/` separators. */
export function funcignoreFilter(funcignoreText: string): (relativePath: string, isDir: boolean) => boolean {
  const ig = ignore().add(funcignoreText);
  return (relativePath, isDir) => !ig.ignores(isDir ? `${relativePath}/` : relativePath);
}

/** Every file under `dir` that the filter keeps; an excluded folder is not descended into (as gitignore). */
export function listKept(dir: string, keep: (relativePath: string, isDir: boolean) => boolean): string[] {
  const walk = (at: string): string[] =>
    readdirSync(join(dir, at), { withFileTypes: true }).flatMap((e) => {
      const rel = at ? `${at}/${e.name}` : e.name;
      const isDir = e.isDirectory();
      if (!keep(rel, isDir)) return [];
      return isDir ? walk(rel) : [rel];
    });
  return walk('');
}

function listAll(dir: string): string[] {
  return listKept(dir, () => true);
}

export function stagePackage(opts: StageOptions): StagedPackage {
  const log = opts.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const npm = opts.npm ?? (process.platform === 'win32' ? 'npm.cmd' : 'npm');
  const { root, outDir } = opts;
  const started = Date.now();
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });

  log(`package: compiling (tsc -p tsconfig.build.json) into ${relative(root, outDir) || outDir}`);
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', join(outDir, 'dist')], {
    cwd: root,
    stdio: 'inherit',
  });
  log('package: building the console (scripts/build/web.js) into dist/web');
  execFileSync(process.execPath, [join(root, 'scripts', 'build', 'web.js'), '--out', join(outDir, 'dist')], {
    cwd: root,
    stdio: 'inherit',
  });
  for (const file of ['host.json', 'package.json', 'package-lock.json', '.funcignore'])
    copyFileSync(join(root, file), join(outDir, file));

  log('package: installing production dependencies (npm ci --omit=dev)');
  execFileSync(npm, ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'], {
    cwd: outDir,
    stdio: 'inherit',
    env: { ...process.env, npm_config_loglevel: 'error' },
  });

  const keep = funcignoreFilter(readFileSync(join(outDir, '.funcignore'), 'utf8'));
  const kept = new Set(listKept(outDir, keep));
  let removed = 0;
  for (const file of listAll(outDir)) {
    if (kept.has(file)) continue;
    rmSync(join(outDir, file));
    removed += 1;
  }
  pruneEmptyFolders(outDir);
  const files = [...kept].sort();
  const bytes = files.reduce((sum, f) => sum + statSync(join(outDir, f)).size, 0);
  log(
    `package: ${files.length} files, ${(bytes / 1024 / 1024).toFixed(1)} MiB unpacked ` +
      `(${removed} excluded by .funcignore) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  return { outDir, files, bytes };
}

function pruneEmptyFolders(dir: string): boolean {
  let empty = true;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, e.name);
    if (e.isDirectory() && pruneEmptyFolders(full)) rmSync(full, { recursive: true });
    else empty = false;
  }
  return empty;
}

/** Zips the staged folder (the `zip` tool, as on the GitHub runner) and prints the archive's size. */
export function zipPackage(staged: StagedPackage, zipPath: string, log = console.log): number {
  rmSync(zipPath, { force: true });
  mkdirSync(dirname(zipPath), { recursive: true });
  execFileSync('zip', ['-q', '-X', zipPath, '-@'], {
    cwd: staged.outDir,
    input: staged.files.map((f) => f.split('/').join(sep)).join('\n'),
  });
  const size = statSync(zipPath).size;
  log(`package: ${zipPath} ${(size / 1024 / 1024).toFixed(1)} MiB`);
  return size;
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const root = join(__dirname, '..', '..');
  const zipAt = args.indexOf('--zip');
  const outAt = args.indexOf('--out');
  const outDir = join(root, outAt >= 0 ? (args[outAt + 1] ?? '.deploy') : '.deploy');
  if (!existsSync(join(root, 'package-lock.json'))) throw new Error('package: package-lock.json is missing');
  const staged = stagePackage({ root, outDir });
  const zipArg = zipAt >= 0 ? args[zipAt + 1] : undefined;
  if (zipArg) zipPackage(staged, join(root, zipArg));
}
