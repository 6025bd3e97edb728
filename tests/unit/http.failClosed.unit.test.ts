import {
  identitySettings,
  NAME_IDENTIFIER,
  principalOf,
  requireMember,
  requireRole,
} from '../../src/functions/http/identity';
import { httpRequest, principalHeader, withRawPrincipal } from '../support/httpRequests';

// In Azure the principal header is only trustworthy while App Service Authentication is on: it replaces
// any x-ms-client-principal a caller sends. With it off the app must refuse, not serve data.

const AZURE_AUTH_OFF = { WEBSITE_SITE_NAME: 'func-cma-x', WEBSITE_INSTANCE_ID: 'abc' };
const AZURE_AUTH_ON = { ...AZURE_AUTH_OFF, WEBSITE_AUTH_ENABLED: 'True' };

const forged = () =>
  httpRequest('GET', 'me/progress', {
    headers: withRawPrincipal(principalHeader({ id: 'M-42', roles: ['ops', 'enrolment'] })),
  });

describe('fail closed without App Service Authentication (issue 11 item 5)', () => {
  it('trusts the header in Azure only when WEBSITE_AUTH_ENABLED is True, and always locally', () => {
    expect(identitySettings(AZURE_AUTH_OFF).edgeOff).toBe(true);
    expect(identitySettings({ ...AZURE_AUTH_OFF, WEBSITE_AUTH_ENABLED: 'False' }).edgeOff).toBe(true);
    expect(identitySettings(AZURE_AUTH_ON).edgeOff).toBe(false);
    expect(identitySettings({ WEBSITE_AUTH_ENABLED: 'true', WEBSITE_SITE_NAME: 'x' }).edgeOff).toBe(false);
    // the local runtime sets WEBSITE_HOSTNAME only; its dev-token edge writes the header
    expect(identitySettings({ WEBSITE_HOSTNAME: '127.0.0.1:7071' }).edgeOff).toBe(false);
  });

  it('answers 401 to member and role endpoints, whatever principal header the caller sends', () => {
    const identity = identitySettings(AZURE_AUTH_OFF);
    for (const result of [
      requireMember(forged(), identity),
      requireRole(forged(), 'ops', identity),
      requireRole(forged(), 'enrolment', identity),
    ]) {
      expect(result.ok).toBe(false);
      if (result.ok) continue;
      expect(result.response.status).toBe(401);
      expect(result.response.jsonBody).toMatchObject({
        code: 'AUTH.UNAUTHENTICATED',
        detail: expect.stringMatching(/App Service Authentication is not enabled/),
      });
    }
    // the health probe reads the principal only to add detail for ops: it sees an anonymous caller
    expect(principalOf(forged(), identity)).toBeUndefined();
  });

  it('serves the same request once authentication is on', () => {
    const identity = identitySettings(AZURE_AUTH_ON);
    expect(requireMember(forged(), identity)).toEqual({ ok: true, value: 'M-42' });
    expect(requireRole(forged(), 'ops', identity).ok).toBe(true);
  });

  it('takes the member id from the claim AUTH_MEMBER_ID_CLAIM names (default: name identifier)', () => {
    expect(identitySettings({}).memberIdClaim).toBe(NAME_IDENTIFIER);
    const identity = identitySettings({ ...AZURE_AUTH_ON, AUTH_MEMBER_ID_CLAIM: 'extension_cardMemberId' });
    const request = httpRequest('GET', 'me/progress', {
      headers: withRawPrincipal(
        principalHeader({ id: 'entra-object-id', claims: [{ typ: 'extension_cardMemberId', val: 'M-7' }] }),
      ),
    });
    expect(requireMember(request, identity)).toEqual({ ok: true, value: 'M-7' });
    // with the default, the same token's name identifier (here the Entra object id) would be the member id
    expect(requireMember(request, identitySettings(AZURE_AUTH_ON))).toEqual({
      ok: true,
      value: 'entra-object-id',
    });
  });

  it('does not lock ops out with a custom member claim, nor take a member id from another claim', () => {
    const identity = identitySettings({ ...AZURE_AUTH_ON, AUTH_MEMBER_ID_CLAIM: 'extension_cardMemberId' });
    const ops = httpRequest('GET', 'ops/members/M-1', {
      headers: withRawPrincipal(principalHeader({ id: 'ops-user-1', roles: ['ops'] })),
    });
    expect(requireRole(ops, 'ops', identity)).toEqual({
      ok: true,
      value: { id: 'ops-user-1', roles: ['ops'] },
    });
    const member = requireMember(ops, identity);
    expect(member.ok).toBe(false);
    if (!member.ok) expect(member.response.status).toBe(403);
  });
});
