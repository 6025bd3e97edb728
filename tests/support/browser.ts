import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium (`.ci/run` installs it); Playwright never downloads a browser here. */
export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
/**
 * Where the browser tests write a screenshot of each page: `$SCREENSHOT_DIR` when set, else
 * `<os temp dir>/cma-console-screenshots`, outside the repository tree (test artifacts, never committed).
 */
export const SCREENSHOTS = process.env['SCREENSHOT_DIR'] || join(tmpdir(), 'cma-console-screenshots');

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Browser {
  /** A fresh page in its own context (cookies are per context), phone-sized with `mobile`. */
  page(opts?: { mobile?: boolean }): Promise<Page>;
  /** Writes `<name>.png` of the whole page into SCREENSHOTS. */
  screenshot(page: Page, name: string): Promise<string>;
  close(): Promise<void>;
}

/** Headless Chromium with a fresh user-data dir; every script error of a page is collected in `errors`. */
export async function launchBrowser(errors: string[] = []): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'cma-chromium-'));
  const context: BrowserContext = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: { width: 1280, height: 900 },
  });
  const browser = context.browser();
  mkdirSync(SCREENSHOTS, { recursive: true });
  process.stdout.write(`\nbrowser tests: screenshots are written to ${SCREENSHOTS}\n`);
  const contexts: BrowserContext[] = [];
  return {
    async page(opts = {}) {
      // a persistent context is one profile; isolated sessions come from new contexts of its browser
      const ctx = browser
        ? await browser.newContext(
            opts.mobile
              ? {
                  viewport: { width: 390, height: 844 },
                  isMobile: true,
                  hasTouch: true,
                  deviceScaleFactor: 2,
                }
              : { viewport: { width: 1280, height: 900 } },
          )
        : context;
      contexts.push(ctx);
      const page = await ctx.newPage();
      page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
      // an HTTP error answer is logged as "Failed to load resource": the pages show those themselves
      page.on('console', (msg) => {
        if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource'))
          errors.push(`console: ${msg.text()}`);
      });
      return page;
    },
    async screenshot(page, name) {
      const path = join(SCREENSHOTS, `${name}.png`);
      await page.screenshot({ path, fullPage: true });
      return path;
    },
    async close() {
      for (const ctx of contexts) if (ctx !== context) await ctx.close().catch(() => undefined);
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
