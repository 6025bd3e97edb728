import {
  applyIdentityEdge,
  mintDevToken,
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
