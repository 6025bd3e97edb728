import { HttpRequest, type HttpResponseInit } from '@azure/functions';
import { NAME_IDENTIFIER, PRINCIPAL_HEADER } from '../../src/functions/http/identity';

/**
 * Real `@azure/functions` HttpRequest objects carrying an App Service Authentication principal
 * (`x-ms-client-principal`, base64 JSON in the format Easy Auth sets, SPEC §7).
 */

export interface PrincipalClaims {
  /** The name-identifier claim: the member id for member callers. */
  id: string;
  roles?: string[];
  /** Extra claims, e.g. a spoofed second name identifier. */
  claims?: { typ: string; val: string }[];
}

/** The header value App Service Authentication would pass for this caller. */
export function principalHeader({ id, roles = [], claims = [] }: PrincipalClaims): string {
  const principal = {
    auth_typ: 'aad',
    name_typ: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress',
    role_typ: 'roles',
    claims: [
      { typ: NAME_IDENTIFIER, val: id },
      { typ: 'name', val: `Caller ${id}` },
      ...roles.map((role) => ({ typ: 'roles', val: role })),
      ...claims,
    ],
  };
  return Buffer.from(JSON.stringify(principal), 'utf8').toString('base64');
}

export const asMember = (memberId: string): Record<string, string> => ({
  [PRINCIPAL_HEADER]: principalHeader({ id: memberId }),
});
export const asOps = (id = 'ops-analyst-1'): Record<string, string> => ({
  [PRINCIPAL_HEADER]: principalHeader({ id, roles: ['ops'] }),
});
export const asEnrolment = (id = 'onboarding-service'): Record<string, string> => ({
  [PRINCIPAL_HEADER]: principalHeader({ id, roles: ['enrolment'] }),
});
export const withRawPrincipal = (value: string): Record<string, string> => ({ [PRINCIPAL_HEADER]: value });

export interface RequestOptions {
  headers?: Record<string, string>;
  /** Route parameters as the Functions host binds them from the route template. */
  params?: Record<string, string>;
  query?: Record<string, string>;
  /** A JSON-serialisable body (sent as application/json unless a content type is given) or raw text. */
  json?: unknown;
  text?: string;
  contentType?: string;
}

/** A real HttpRequest for `/api/{path}`; the query is put in the URL, as the host does. */
export function httpRequest(method: string, path: string, options: RequestOptions = {}): HttpRequest {
  const url = new URL(`http://localhost:7071/api/${path.replace(/^\/+/, '')}`);
  for (const [key, value] of Object.entries(options.query ?? {})) url.searchParams.set(key, value);
  const body = options.text ?? (options.json === undefined ? undefined : JSON.stringify(options.json));
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (body !== undefined) {
    headers['content-type'] ??= options.contentType ?? 'application/json';
    headers['content-length'] ??= String(Buffer.byteLength(body));
  }
  return new HttpRequest({
    method,
    url: url.toString(),
    headers,
    params: options.params ?? {},
    ...(body === undefined ? {} : { body: { string: body } }),
  });
}

/** What a handler answered, with the body as a client would parse it. */
export interface Answer {
  status: number;
  contentType: string | null;
  body: unknown;
  headers: Headers;
}

/** Reads a handler's HttpResponseInit the way the Functions host serialises it. */
export function answerOf(response: HttpResponseInit): Answer {
  const headers = new Headers(response.headers as Record<string, string> | undefined);
  const body =
    response.jsonBody !== undefined
      ? (JSON.parse(JSON.stringify(response.jsonBody)) as unknown)
      : typeof response.body === 'string'
        ? response.body
        : undefined;
  return { status: response.status ?? 200, contentType: headers.get('content-type'), body, headers };
}
