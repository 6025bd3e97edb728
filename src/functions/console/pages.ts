import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { principalOf, requireMember, requireRole, type Authorized } from '../http/identity';

/**
 * The console's built assets (`npm run build` → `dist/web`, scripts/build/web.js): the ops pages, the
 * member view and their bundles. Served by the Function App itself behind the same identity edge as the
 * API; the pages hold no data, they read it from `/api/...` with the caller's session.
 */
export const WEB_ROOT = join(__dirname, '..', '..', '..', 'web');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/** Nothing but this origin: no CDN, no inline script. */
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
};

type Gate = (request: HttpRequest) => Authorized<unknown>;

const anyPrincipal: Gate = (request) =>
  principalOf(request) ? { ok: true, value: undefined } : requireRole(request, 'ops'); // the same 401 the API answers

/** Which principal each page needs: ops pages the `ops` role, the member view a member id. */
const PAGES: Record<string, { file: string; gate: Gate; signIn: string }> = {
  ops: { file: 'ops.html', gate: (r) => requireRole(r, 'ops'), signIn: 'npm run cli -- console-link --ops' },
  me: {
    file: 'member.html',
    gate: (r) => requireMember(r),
    signIn: 'npm run cli -- console-link --member M-1',
  },
};

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A refusal a person can read: the API's code and message, and how to sign in. */
function refusal(
  status: number,
  code: string,
  detail: string,
  signIn: string,
  path: string,
): HttpResponseInit {
  const login = `/.auth/login/aad?post_login_redirect_uri=${encodeURIComponent(path)}`;
  const body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${status} ${code}</title><link rel="stylesheet" href="/api/console/assets/console.css"></head><body><main class="refusal"><h1>${status} ${escapeHtml(code)}</h1><p>${escapeHtml(detail)}</p><p>Sign in: in Azure at <a href="${escapeHtml(login)}">${escapeHtml(login)}</a>; locally open the link <code>${escapeHtml(signIn)}</code> prints.</p></main></body></html>`;
  return { status, headers: { ...SECURITY_HEADERS, 'content-type': TYPES['.html'] as string }, body };
}

export interface ConsoleAssets {
  get(name: string): Buffer | undefined;
}

/** Reads every built file once; a missing build is reported on each request, never a stack trace. */
export function loadAssets(root: string): ConsoleAssets | undefined {
  // the built bundles mark a build: run from source (tsx, jest), WEB_ROOT is web/ itself, which has none
  if (!existsSync(join(root, 'assets', 'ops.js'))) return undefined;
  const files = new Map<string, Buffer>();
  for (const name of ['ops.html', 'member.html']) files.set(name, readFileSync(join(root, name)));
  for (const name of readdirSync(join(root, 'assets')))
    files.set(`assets/${name}`, readFileSync(join(root, 'assets', name)));
  return { get: (name) => files.get(name) };
}

/** The pages name the campaign's zone (`<body data-time-zone>`), so every time is shown in it. */
const ZONE_SLOT = 'data-time-zone=""';

function file(assets: ConsoleAssets, name: string, timeZone: string): HttpResponseInit | undefined {
  const body = assets.get(name);
  const type = TYPES[extname(name)];
  if (!body || !type) return undefined;
  const filled = name.endsWith('.html')
    ? body.toString('utf8').replace(ZONE_SLOT, `data-time-zone="${escapeHtml(timeZone)}"`)
    : body;
  return { status: 200, headers: { ...SECURITY_HEADERS, 'content-type': type }, body: filled };
}

/**
 * GET /api/console/{*path}: `ops` (the ops console, role ops), `me` (the member view, a member
 * principal), `assets/<file>` (any signed-in caller); `/api/console` itself sends a browser to the ops
 * console.
 */
export function consolePage(
  request: HttpRequest,
  assets: ConsoleAssets | undefined,
  timeZone: string,
): HttpResponseInit {
  const path = (request.params.path ?? '').replace(/\/+$/, '');
  const pathname = new URL(request.url).pathname;
  if (path === '')
    return { status: 302, headers: { location: '/api/console/ops', 'cache-control': 'no-store' } };
  const page = PAGES[path];
  const gate = page?.gate ?? anyPrincipal;
  const allowed = gate(request);
  if (!allowed.ok) {
    const answer = allowed.response.jsonBody as { status: number; code: string; detail: string };
    return refusal(answer.status, answer.code, answer.detail, page?.signIn ?? PAGES['ops']!.signIn, pathname);
  }
  if (!assets)
    return refusal(
      503,
      'CONSOLE.NOT_BUILT',
      'the console assets are missing from this package: run npm run build',
      '',
      pathname,
    );
  const name = page ? page.file : path.startsWith('assets/') ? path : undefined;
  const found = name === undefined ? undefined : file(assets, name, timeZone);
  return found ?? refusal(404, 'ROUTE.NOT_FOUND', `the console has no page ${path}`, '', pathname);
}
