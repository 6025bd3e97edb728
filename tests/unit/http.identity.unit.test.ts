import { z } from 'zod';
import { MAX_BODY_BYTES, readJson } from '../../src/functions/http/body';
import { NAME_IDENTIFIER, principalOf, requireMember, requireRole } from '../../src/functions/http/identity';
import { problem } from '../../src/functions/http/problem';
import {
  answerOf,
  asEnrolment,
  asMember,
  asOps,
  httpRequest,
  principalHeader,
  withRawPrincipal,
} from '../support/httpRequests';

const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

describe('identity edge: x-ms-client-principal (SPEC §7)', () => {
  it('reads the member id from the name-identifier claim and the roles from role claims', () => {
    // Given App Service Authentication passed a principal with two roles
    const request = httpRequest('GET', 'me/progress', {
      headers: withRawPrincipal(principalHeader({ id: 'M-7', roles: ['ops', 'enrolment'] })),
    });

    // When the edge decodes it
    const principal = principalOf(request);

    // Then the id is the name identifier (not the display name) and both roles are kept
    expect(principal).toEqual({ id: 'M-7', roles: ['ops', 'enrolment'] });
  });

  it('honours a custom role claim type named by role_typ', () => {
    // Given Entra ID sends roles under the long Microsoft claim type, as some app registrations do
    const roleType = 'http://schemas.microsoft.com/ws/2008/06/identity/claims/role';
    const header = base64(
      JSON.stringify({
        auth_typ: 'aad',
        role_typ: roleType,
        claims: [
          { typ: NAME_IDENTIFIER, val: 'ops-1' },
          { typ: roleType, val: 'ops' },
        ],
      }),
    );

    // When the ops role is required
    const result = requireRole(
      httpRequest('GET', 'ops/funnel', { headers: withRawPrincipal(header) }),
      'ops',
    );

    // Then the caller is authorised
    expect(result).toEqual({ ok: true, value: { id: 'ops-1', roles: ['ops'] } });
  });

  it('takes the first name identifier when a principal carries a second one', () => {
    // Given a principal whose claims list a second name identifier after the real one
    const header = principalHeader({ id: 'M-1', claims: [{ typ: NAME_IDENTIFIER, val: 'M-2' }] });

    // When the member is identified
    const result = requireMember(httpRequest('GET', 'me/progress', { headers: withRawPrincipal(header) }));

    // Then the edge-set identity wins: a later claim cannot redirect the caller to another member
    expect(result).toEqual({ ok: true, value: 'M-1' });
  });

  it.each([
    ['no header', {}],
    ['an empty header', withRawPrincipal('')],
    ['a header that is not base64 JSON', withRawPrincipal('not-a-principal!!')],
    ['base64 of text that is not JSON', withRawPrincipal(base64('{"claims": ['))],
    ['JSON without claims', withRawPrincipal(base64(JSON.stringify({ auth_typ: 'aad' })))],
    ['claims of the wrong shape', withRawPrincipal(base64(JSON.stringify({ claims: [{ typ: 1 }] })))],
    [
      'claims without a name identifier',
      withRawPrincipal(base64(JSON.stringify({ claims: [{ typ: 'roles', val: 'ops' }] }))),
    ],
  ])('answers 401 AUTH.UNAUTHENTICATED for %s', (_case, headers: Record<string, string>) => {
    // Given a request whose principal cannot be read
    const request = httpRequest('GET', 'me/progress', { headers });

    // When a member endpoint or a role endpoint checks it
    const member = requireMember(request);
    const role = requireRole(request, 'ops');

    // Then both refuse as unauthenticated, never as some default identity
    for (const result of [member, role]) {
      expect(result.ok).toBe(false);
      if (result.ok) continue;
      expect(answerOf(result.response)).toMatchObject({
        status: 401,
        contentType: 'application/problem+json',
        body: { status: 401, code: 'AUTH.UNAUTHENTICATED' },
      });
    }
  });

  it('refuses a member endpoint with 403 when the identity is not a member id', () => {
    // Given a signed-in caller whose name identifier is an email address (a staff account)
    const request = httpRequest('GET', 'me/progress', {
      headers: withRawPrincipal(principalHeader({ id: 'analyst@example.com', roles: ['ops'] })),
    });

    // When a member endpoint identifies the caller
    const result = requireMember(request);

    // Then it is forbidden: such an id must never be used as a member key
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(answerOf(result.response).body).toMatchObject({ status: 403, code: 'AUTH.NOT_A_MEMBER' });
  });

  it.each([
    ['a member calling an ops endpoint', asMember('M-1'), 'ops' as const],
    ['an ops caller enrolling without the enrolment role', asOps(), 'enrolment' as const],
    ['the onboarding system calling an ops endpoint', asEnrolment(), 'ops' as const],
  ])('answers 403 AUTH.FORBIDDEN for %s', (_case, headers, role) => {
    // Given an authenticated caller without the endpoint's role
    const request = httpRequest('GET', 'any', { headers });

    // When the role is required
    const result = requireRole(request, role);

    // Then it is forbidden, not unauthenticated: the caller is known, the role is missing
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(answerOf(result.response)).toMatchObject({
        status: 403,
        body: { code: 'AUTH.FORBIDDEN', detail: `the ${role} role is required` },
      });
  });
});

describe('JSON bodies: 415, 413, 400 with field errors', () => {
  const schema = z.object({ memberId: z.string().min(2), count: z.number().int() });

  it('accepts application/json with a charset and returns the parsed value', async () => {
    // Given a well-formed body
    const request = httpRequest('POST', 'x', {
      json: { memberId: 'M-1', count: 3 },
      contentType: 'application/json; charset=utf-8',
    });

    // When it is read
    const result = await readJson(request, schema);

    // Then the value is the validated body
    expect(result).toEqual({ ok: true, value: { memberId: 'M-1', count: 3 } });
  });

  it.each(['text/plain', 'application/x-www-form-urlencoded', 'application/jsonp'])(
    'answers 415 for content type %s',
    async (contentType) => {
      // Given a JSON text sent under another media type
      const request = httpRequest('POST', 'x', { text: '{"memberId":"M-1","count":1}', contentType });

      // When it is read
      const result = await readJson(request, schema);

      // Then the media type is refused before the body is looked at
      expect(result.ok).toBe(false);
      if (!result.ok)
        expect(answerOf(result.response).body).toMatchObject({
          status: 415,
          code: 'REQUEST.UNSUPPORTED_MEDIA_TYPE',
        });
    },
  );

  it('answers 415 when there is no content type at all', async () => {
    // Given a body without a content-type header (a client bug that would otherwise be guessed at)
    const request = httpRequest('POST', 'x', { text: '{}', contentType: '' });

    // When it is read
    const result = await readJson(request, schema);

    // Then it is refused as an unsupported media type
    expect(result.ok).toBe(false);
    if (!result.ok) expect(answerOf(result.response).status).toBe(415);
  });

  it('answers 413 from the declared length without reading the body', async () => {
    // Given a request declaring a body over the limit
    const request = httpRequest('POST', 'x', {
      text: '{}',
      headers: { 'content-length': String(MAX_BODY_BYTES + 1) },
    });

    // When it is read
    const result = await readJson(request, schema);

    // Then it is refused as too large
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(answerOf(result.response).body).toMatchObject({ status: 413, code: 'REQUEST.TOO_LARGE' });
  });

  it('answers 413 from the actual size when the declared length understates it', async () => {
    // Given a chunked-style request whose declared length says nothing useful
    const oversized = JSON.stringify({ memberId: 'M-1', count: 1, pad: 'é'.repeat(MAX_BODY_BYTES / 2) });
    const request = httpRequest('POST', 'x', { text: oversized, headers: { 'content-length': '10' } });

    // When it is read
    const result = await readJson(request, schema);

    // Then the bytes are counted (multi-byte characters included) and the body refused
    expect(oversized.length).toBeLessThan(MAX_BODY_BYTES);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(answerOf(result.response).status).toBe(413);
  });

  it('answers 400 REQUEST.INVALID_JSON for malformed JSON', async () => {
    // Given a truncated JSON body
    const request = httpRequest('POST', 'x', { text: '{"memberId": "M-1",' });

    // When it is read
    const result = await readJson(request, schema);

    // Then the client learns the body is not JSON (not a field error)
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(answerOf(result.response).body).toMatchObject({ status: 400, code: 'REQUEST.INVALID_JSON' });
  });

  it('answers 400 REQUEST.VALIDATION with one entry per offending field', async () => {
    // Given a body with two invalid fields
    const request = httpRequest('POST', 'x', { json: { memberId: 'M', count: 1.5 } });

    // When it is read
    const result = await readJson(request, schema);

    // Then each field is named, so the caller can fix the request without guessing
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const body = answerOf(result.response).body as { code: string; errors: { path: string }[] };
    expect(body.code).toBe('REQUEST.VALIDATION');
    expect(body.errors.map((e) => e.path).sort()).toEqual(['count', 'memberId']);
  });

  it('names the body itself when it is not an object', async () => {
    // Given a JSON array where an object is expected
    const request = httpRequest('POST', 'x', { json: [1, 2] });

    // When it is read
    const result = await readJson(request, schema);

    // Then the error points at the body, with a non-empty path clients can display
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect((answerOf(result.response).body as { errors: { path: string }[] }).errors).toEqual([
        expect.objectContaining({ path: '(body)' }),
      ]);
  });
});

describe('problem details', () => {
  it('builds an RFC 9457 problem with a stable code and a type URI derived from it', () => {
    // Given a stable code
    // When a problem is built
    const response = answerOf(problem(422, 'ENROLMENT.TOO_OLD', 'too old'));

    // Then clients can switch on the code, and the type is a URI per code
    expect(response).toMatchObject({
      status: 422,
      contentType: 'application/problem+json',
      body: {
        type: 'https://errors.cold-member-activation.example/enrolment-too-old',
        title: 'Unprocessable Content',
        status: 422,
        code: 'ENROLMENT.TOO_OLD',
        detail: 'too old',
      },
    });
    expect(response.body).not.toHaveProperty('errors');
  });
});
