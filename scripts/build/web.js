// Builds the console (web/) into <out>/web: the two pages, their bundles (esbuild: TypeScript to one
// script per page, no framework, nothing fetched at run time) and the style sheet. `npm run build`,
// `npm start`, the e2e setup and the deployment package all run it after tsc, with their own --out.
// Plain CommonJS so it runs before anything is compiled.
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS on purpose: it runs before anything is compiled */
const { copyFileSync, mkdirSync, rmSync } = require('node:fs');
const { join, resolve } = require('node:path');

const root = join(__dirname, '..', '..');
const web = join(root, 'web');
const PAGES = ['ops', 'member'];

/** Writes <outDir>/web/{ops,member}.html and web/assets/{ops,member}.js, console.css. */
function buildWeb(outDir) {
  const esbuild = require('esbuild');
  const target = join(outDir, 'web');
  rmSync(target, { recursive: true, force: true });
  mkdirSync(join(target, 'assets'), { recursive: true });
  esbuild.buildSync({
    entryPoints: PAGES.map((page) => join(web, 'src', `${page}.ts`)),
    outdir: join(target, 'assets'),
    bundle: true,
    format: 'iife',
    target: ['es2022'],
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  for (const page of PAGES) copyFileSync(join(web, `${page}.html`), join(target, `${page}.html`));
  copyFileSync(join(web, 'console.css'), join(target, 'assets', 'console.css'));
  return target;
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--out');
  const outDir = resolve(at >= 0 ? (args[at + 1] ?? 'dist') : join(root, 'dist'));
  const started = Date.now();
  const target = buildWeb(outDir);
  process.stdout.write(`web: console built into ${target} in ${Date.now() - started} ms\n`);
}
module.exports = { buildWeb };
