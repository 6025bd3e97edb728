import { createAuthEndpoints } from '../../host/authEndpoints';
import type { PlainRequest, PlainResponse } from '../../host/httpFunctions';
import {
  applyIdentityEdge,
  cookieValue,
  mintDevToken,
  SESSION_COOKIE,
  NAME_IDENTIFIER_CLAIM,
  verifyDevToken,
  type ClientPrincipal,
} from '../../host/identity';

const secret = Buffer.alloc(32, 7);
const otherSecret = Buffer.alloc(32, 8);
const NOW = Date.parse('2026-11-25T00:00:00Z');

const principalOf = (headers: Record<string, string>): ClientPrincipal =>
  JSON.parse(
    Buffer.from(headers['x-ms-client-principal'] as string, 'base64').toString('utf8'),
  ) as ClientPrincipal;

describe('identity edge', () => {
  it('strips every client-supplied principal header when there is no token', () => {
    const out = applyIdentityEdge(
      {
        'X-MS-CLIENT-PRINCIPAL': 'forged',
        'x-ms-client-principal-id': 'M-666',
        'x-ms-client-principal-name': 'eve',
        'x-request-id': 'r1',
      },
      secret,
      NOW,
    );
    expect(out).toEqual({ 'x-request-id': 'r1' });
  });

  it('turns a member token into an App Service principal with the name-identifier claim', () => {
    const token = mintDevToken(secret, { sub: 'M-42' }, NOW);
    const out = applyIdentityEdge(
      { authorization: `Bearer ${token}`, 'x-ms-client-principal': 'forged' },
      secret,
      NOW,
    );
    const principal = principalOf(out);
    expect(principal).toMatchObject({ auth_typ: 'aad', role_typ: 'roles' });
    expect(principal.claims).toContainEqual({ typ: NAME_IDENTIFIER_CLAIM, val: 'M-42' });
    expect(principal.claims.filter((c) => c.typ === 'roles')).toEqual([]);
    expect(out['x-ms-client-principal-id']).toBe('M-42');
    expect(out['x-ms-client-principal-name']).toBe('M-42');
  });

  it('carries roles as `roles` claims', () => {
    const token = mintDevToken(secret, { sub: 'ops-local', roles: ['ops', 'enrolment'] }, NOW);
    const claims = principalOf(applyIdentityEdge({ authorization: `Bearer ${token}` }, secret, NOW)).claims;
    expect(claims.filter((c) => c.typ === 'roles').map((c) => c.val)).toEqual(['ops', 'enrolment']);
  });

  it('gives no principal for a token signed with another data dir’s secret', () => {
    const token = mintDevToken(otherSecret, { sub: 'M-1', roles: ['ops'] }, NOW);
    expect(
      applyIdentityEdge({ authorization: `Bearer ${token}` }, secret, NOW)['x-ms-client-principal'],
    ).toBeUndefined();
  });

  it('gives no principal when the payload is altered to add a role', () => {
    const [prefix, body, mac] = mintDevToken(secret, { sub: 'M-1' }, NOW).split('.');
    const payload = JSON.parse(Buffer.from(body as string, 'base64url').toString('utf8')) as Record<
      string,
      unknown
    >;
    const forged = Buffer.from(JSON.stringify({ ...payload, roles: ['ops'] })).toString('base64url');
    expect(verifyDevToken(secret, `${prefix}.${forged}.${mac}`, NOW)).toBeUndefined();
  });

  it('rejects expired, malformed and non-bearer credentials', () => {
    const token = mintDevToken(secret, { sub: 'M-1' }, NOW, 60);
    expect(verifyDevToken(secret, token, NOW + 59_000)?.sub).toBe('M-1');
    expect(verifyDevToken(secret, token, NOW + 60_000)).toBeUndefined();
    expect(verifyDevToken(secret, 'garbage', NOW)).toBeUndefined();
    expect(verifyDevToken(secret, `${token}.extra`, NOW)).toBeUndefined();
    expect(
      applyIdentityEdge({ authorization: `Basic ${token}` }, secret, NOW)['x-ms-client-principal'],
    ).toBeUndefined();
  });
});

describe('browser sign-in (/.auth/login/dev) and the session cookie', () => {
  const auth = createAuthEndpoints(secret);
  const request = (path: string, method = 'GET'): PlainRequest => ({
    method,
    url: new URL(`http://127.0.0.1:7071${path}`),
    headers: {},
    body: Buffer.alloc(0),
  });
  const headerOf = (r: PlainResponse, name: string) => r.headers.find(([k]) => k === name)?.[1];

  it('turns a valid dev token into an HttpOnly, SameSite session cookie and redirects on this origin', async () => {
    const token = mintDevToken(secret, { sub: 'M-42' }, Date.now());
    const answer = await auth.handle(
      request(`/.auth/login/dev?token=${token}&post_login_redirect_uri=%2Fapi%2Fconsole%2Fme`),
    );
    expect(answer.status).toBe(302);
    expect(headerOf(answer, 'location')).toBe('/api/console/me');
    expect(headerOf(answer, 'set-cookie')).toBe(`${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Lax`);
  });

  it('never redirects off the origin and refuses a forged or foreign token', async () => {
    const token = mintDevToken(secret, { sub: 'M-42' }, Date.now());
    for (const to of ['https://evil.example/', '//evil.example/', '/\\evil.example'])
      expect(
        headerOf(
          await auth.handle(
            request(`/.auth/login/dev?token=${token}&post_login_redirect_uri=${encodeURIComponent(to)}`),
          ),
          'location',
        ),
      ).toBe('/api/console/ops');
    const foreign = mintDevToken(otherSecret, { sub: 'M-42' }, Date.now());
    const refused = await auth.handle(request(`/.auth/login/dev?token=${foreign}`));
    expect(refused.status).toBe(401);
    expect(headerOf(refused, 'set-cookie')).toBeUndefined();
    expect((await auth.handle(request('/.auth/login/dev?token=x', 'POST'))).status).toBe(405);
  });

  it('clears the cookie on logout', async () => {
    const answer = await auth.handle(request('/.auth/logout'));
    expect(headerOf(answer, 'set-cookie')).toMatch(new RegExp(`^${SESSION_COOKIE}=; .*Max-Age=0`));
  });

  it('reads the cookie like a bearer token, and still strips a client-supplied principal', () => {
    const token = mintDevToken(secret, { sub: 'ops-1', roles: ['ops'] }, NOW);
    const out = applyIdentityEdge(
      { cookie: `theme=dark; ${SESSION_COOKIE}=${token}`, 'x-ms-client-principal': 'forged' },
      secret,
      NOW,
    );
    expect(principalOf(out).claims).toEqual(expect.arrayContaining([{ typ: 'roles', val: 'ops' }]));
    const forgedCookie = applyIdentityEdge({ cookie: `${SESSION_COOKIE}=cmadev.x.y` }, secret, NOW);
    expect(forgedCookie['x-ms-client-principal']).toBeUndefined();
    expect(cookieValue('a=1; b = 2', 'b')).toBe('2');
    expect(cookieValue(undefined, 'b')).toBeUndefined();
  });
});
