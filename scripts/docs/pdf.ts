/**
 * `npm run docs:pdf`: renders docs/architecture.md to an A4 PDF with its Mermaid diagrams as SVG images.
 * `npm run docs:check` does the same, then fails unless the PDF has 5 to 7 pages (the challenge's length).
 *
 * 1. mermaid-cli (`mmdc`) renders every ```mermaid block to SVG with Debian's Chromium and writes a copy of
 *    the Markdown that references the images; a diagram that does not parse fails the run.
 * 2. marked turns that Markdown into HTML with a print style sheet (A4, body text 10.5 pt).
 * 3. Chromium prints the HTML to PDF through puppeteer.
 *
 * Output goes to `.local/docs/` (ignored by git), or to DOCS_OUT_DIR. The PDF's path is the last line.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { marked } from 'marked';
import puppeteer, { type LaunchOptions } from 'puppeteer';

const root = resolve(__dirname, '../..');
const source = join(root, 'docs/architecture.md');
const outDir = resolve(process.env['DOCS_OUT_DIR'] ?? join(root, '.local/docs'));
const puppeteerConfig = join(__dirname, 'puppeteer-config.json');
/** The launch options, with the browser of `CHROMIUM_PATH` when set (as the browser tests use it). */
const launchOptions = (): LaunchOptions => {
  const options = JSON.parse(readFileSync(puppeteerConfig, 'utf8')) as LaunchOptions;
  const chromium = process.env['CHROMIUM_PATH'];
  return chromium ? { ...options, executablePath: chromium } : options;
};
const check = process.argv.includes('--check');
const PAGE_RANGE = { min: 5, max: 7 } as const;

const log = (line: string): void => console.error(`[docs] ${line}`);

/** Print style: A4, 10.5 pt body, diagrams scaled to the text width and kept on one page. */
const CSS = `
@page { size: A4; margin: 14mm 15mm 14mm 15mm; }
html { font-family: 'Liberation Serif', 'DejaVu Serif', serif; font-size: 10.5pt; line-height: 1.27; color: #111; }
body { margin: 0; }
h1 { font-family: 'Liberation Sans', sans-serif; font-size: 16pt; margin: 0 0 6pt; }
h2 { font-family: 'Liberation Sans', sans-serif; font-size: 13pt; margin: 12pt 0 4pt; break-after: avoid; }
h3 { font-family: 'Liberation Sans', sans-serif; font-size: 11pt; margin: 8pt 0 3pt; break-after: avoid; }
p, li { margin: 0 0 5pt; text-align: left; orphans: 2; widows: 2; }
ul, ol { margin: 0 0 5pt; padding-left: 14pt; }
code { font-family: 'Liberation Mono', 'DejaVu Sans Mono', monospace; font-size: 8.5pt; }
table { border-collapse: collapse; width: 100%; margin: 3pt 0 7pt; font-size: 9pt; line-height: 1.2; break-inside: auto; }
th, td { border: 0.5pt solid #999; padding: 2pt 4pt; vertical-align: top; text-align: left; }
th { background: #eee; }
td code { font-size: 7.6pt; }
tr { break-inside: avoid; }
img.diagram { display: block; margin: 4pt auto 8pt; max-width: 100%; break-inside: avoid; }
a { color: #124; text-decoration: none; }
`;

/** Renders the diagrams with mermaid-cli; returns the Markdown that references the SVG files. */
function renderDiagrams(): string {
  const rendered = join(outDir, 'architecture.md');
  const mmdc = join(root, 'node_modules/.bin/mmdc');
  const config = join(outDir, 'puppeteer-config.json');
  writeFileSync(config, JSON.stringify(launchOptions()));
  execFileSync(mmdc, ['--quiet', '-i', source, '-o', rendered, '-e', 'svg', '-b', 'white', '-p', config], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  return readFileSync(rendered, 'utf8');
}

/** HTML for the rendered Markdown: diagram images get a width from the `%% width=NN%` hint. */
function toHtml(markdown: string, widths: readonly string[]): string {
  let diagram = 0;
  const renderer = new marked.Renderer();
  renderer.image = ({ href, text }) => {
    const width = widths[diagram++] ?? '100%';
    return `<img class="diagram" src="${href}" alt="${text}" style="width: ${width}">`;
  };
  const body = marked.parse(markdown, { renderer, async: false });
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Architecture</title><style>${CSS}</style></head><body>${body}</body></html>`;
}

/** The `%% width=NN%` comment in each Mermaid block, in order (how wide it prints). */
function diagramWidths(markdown: string): string[] {
  return [...markdown.matchAll(/^```mermaid\n([\s\S]*?)^```/gm)].map(
    (m) => /%%\s*width=(\d+%)/.exec(m[1] ?? '')?.[1] ?? '100%',
  );
}

function pageCount(pdf: string): number {
  const info = execFileSync('pdfinfo', [pdf], { encoding: 'utf8' });
  const pages = /^Pages:\s+(\d+)/m.exec(info)?.[1];
  if (!pages) throw new Error(`pdfinfo printed no page count for ${pdf}`);
  return Number(pages);
}

async function main(): Promise<void> {
  const started = Date.now();
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  log(`rendering diagrams of ${relative(root, source)} with mermaid-cli`);
  const markdown = renderDiagrams();
  const html = join(outDir, 'architecture.html');
  writeFileSync(html, toHtml(markdown, diagramWidths(readFileSync(source, 'utf8'))));

  const pdf = join(outDir, 'architecture.pdf');
  const browser = await puppeteer.launch(launchOptions());
  try {
    const page = await browser.newPage();
    await page.goto(pathToFileURL(html).href, { waitUntil: 'load' });
    await page.pdf({ path: pdf, format: 'A4', printBackground: true, preferCSSPageSize: true });
  } finally {
    await browser.close();
  }
  const pages = pageCount(pdf);
  log(`${pages} pages, A4, in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (check && (pages < PAGE_RANGE.min || pages > PAGE_RANGE.max)) {
    throw new Error(
      `architecture.pdf has ${pages} pages; the challenge asks for ${PAGE_RANGE.min} to ${PAGE_RANGE.max}`,
    );
  }
  console.log(pdf);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
