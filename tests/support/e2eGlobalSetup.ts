import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { E2E_DIST, PROJECT_ROOT } from './e2ePaths';

/**
 * Compiles the app, the local runtime and the console once for the whole e2e tier, so `npm test` on a fresh clone needs
 * no prior build and every e2e file runs the same JavaScript that `npm start` runs (not tsx).
 */
export default function globalSetup(): void {
  const started = Date.now();
  const tsc = join(PROJECT_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  try {
    execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', E2E_DIST], {
      cwd: PROJECT_ROOT,
      stdio: 'pipe',
    });
  } catch (err) {
    const out = (err as { stdout?: Buffer }).stdout?.toString('utf8') ?? String(err);
    throw new Error(`e2e: tsc -p tsconfig.build.json failed:\n${out}`);
  }
  // the console's pages and bundles, where the compiled app serves them from (dist/web beside dist/src)
  execFileSync(process.execPath, [join(PROJECT_ROOT, 'scripts', 'build', 'web.js'), '--out', E2E_DIST], {
    cwd: PROJECT_ROOT,
    stdio: 'pipe',
  });
  process.stdout.write(
    `\ne2e: compiled to ${E2E_DIST} (app, runtime and console) in ${Date.now() - started} ms\n`,
  );
}
