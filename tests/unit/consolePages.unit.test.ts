import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HttpResponseInit } from '@azure/functions';
import { consolePage, loadAssets, type ConsoleAssets } from '../../src/functions/console/pages';
import { asMember, asOps, httpRequest, withRawPrincipal } from '../support/httpRequests';

// The console's pages, served by the Function App behind the API's identity edge: the ops console needs
// the ops role, the member view a member principal, and a refusal is readable HTML with the code.

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { buildWeb } = require('../../scripts/build/web.js') as { buildWeb: (outDir: string) => string };

let out: string;
let assets: ConsoleAssets | undefined;
beforeAll(() => {
  out = mkdtempSync(join(tmpdir(), 'cma-web-'));
  assets = loadAssets(buildWeb(out));
}, 60_000);
afterAll(() => rmSync(out, { recursive: true, force: true }));

const get = (path: string, headers: Record<string, string> = {}): HttpResponseInit =>
  consolePage(
    httpRequest('GET', `console/${path}`, { headers, params: { path } }),
    assets,
    'Australia/Perth',
  );
const header = (r: HttpResponseInit, name: string) => (r.headers as Record<string, string>)[name];
const text = (r: HttpResponseInit) => String(r.body instanceof Buffer ? r.body.toString('utf8') : r.body);

describe('the console pages', () => {
  it('serves the ops console to ops, and the member view to a member, as built', () => {
    const ops = get('ops', asOps());
    const me = get('me', asMember('M-42'));
    expect([ops.status, me.status]).toEqual([200, 200]);
    expect(text(ops)).toContain('/api/console/assets/ops.js');
    expect(text(me)).toContain('/api/console/assets/member.js');
    // the campaign's zone, for the times the pages show
    expect(text(ops)).toContain('data-time-zone="Australia/Perth"');
    expect(header(ops, 'content-type')).toBe('text/html; charset=utf-8');
    expect(header(ops, 'content-security-policy')).toMatch(/default-src 'none'; script-src 'self'/);
  });

  it('refuses the ops console to members and to the unauthenticated, with the code and how to sign in', () => {
    const member = get('ops', asMember('M-42'));
    const none = get('ops');
    const forged = get('ops', withRawPrincipal('bm90IGEgcHJpbmNpcGFs'));
    expect([member.status, none.status, forged.status]).toEqual([403, 401, 401]);
    expect(text(member)).toContain('AUTH.FORBIDDEN');
    expect(text(none)).toContain('AUTH.UNAUTHENTICATED');
    expect(text(none)).toContain('/.auth/login/aad?post_login_redirect_uri=%2Fapi%2Fconsole%2Fops');
    expect(text(none)).toContain('npm run cli -- console-link --ops');
    expect(text(none)).not.toMatch(/at \w+ \(|Error:/);
  });

  it('refuses the member view to a caller without a member id', () => {
    const analyst = asOps('analyst@example.com');
    expect(get('me', analyst).status).toBe(403);
    expect(text(get('me', analyst))).toContain('AUTH.NOT_A_MEMBER');
    expect(get('me').status).toBe(401);
  });

  it('serves the bundles and the style sheet to any signed-in caller, and nothing outside them', () => {
    const js = get('assets/ops.js', asMember('M-42'));
    const css = get('assets/console.css', asOps());
    expect([js.status, css.status]).toEqual([200, 200]);
    expect(header(js, 'content-type')).toBe('text/javascript; charset=utf-8');
    expect(header(css, 'content-type')).toBe('text/css; charset=utf-8');
    expect(get('assets/ops.js').status).toBe(401);
    expect(get('assets/../../package.json', asOps()).status).toBe(404);
    expect(get('assets/nope.js', asOps()).status).toBe(404);
  });

  it('sends /api/console to the ops console, and says so when the build is missing', () => {
    expect(get('')).toMatchObject({ status: 302, headers: { location: '/api/console/ops' } });
    const missing = consolePage(
      httpRequest('GET', 'console/ops', { headers: asOps(), params: { path: 'ops' } }),
      loadAssets(join(out, 'nowhere')),
      'Australia/Perth',
    );
    expect(missing.status).toBe(503);
    // the source folder (HTML but no bundles, as when the app runs from source) is no build either
    expect(loadAssets(join(__dirname, '..', '..', 'web'))).toBeUndefined();
    expect(text(missing)).toContain('CONSOLE.NOT_BUILT');
  });
});
