import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { z } from 'zod';
import { MEMBER_ID_PATTERN } from '../../domain';
import { problem } from './problem';

/** The caller as App Service Authentication describes it (SPEC §7). */
export interface Principal {
  /** From the name-identifier claim: the member id for member callers. */
  id: string;
  roles: string[];
}

export const PRINCIPAL_HEADER = 'x-ms-client-principal';
export const NAME_IDENTIFIER = 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/nameidentifier';
const DEFAULT_ROLE_CLAIMS = ['roles', 'http://schemas.microsoft.com/ws/2008/06/identity/claims/role'];

const principalSchema = z.object({
  auth_typ: z.string().optional(),
  name_typ: z.string().optional(),
  role_typ: z.string().optional(),
  claims: z.array(z.object({ typ: z.string(), val: z.string() })),
});

/** Decodes the principal header; undefined when absent or unreadable (treated as unauthenticated). */
export function principalOf(request: HttpRequest): Principal | undefined {
  const header = request.headers.get(PRINCIPAL_HEADER);
  if (!header) return undefined;
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(header, 'base64').toString('utf8'));
  } catch {
    return undefined;
  }
  const parsed = principalSchema.safeParse(decoded);
  if (!parsed.success) return undefined;
  const { claims, role_typ } = parsed.data;
  const roleTypes = new Set([...(role_typ ? [role_typ] : []), ...DEFAULT_ROLE_CLAIMS]);
  const id = claims.find((c) => c.typ === NAME_IDENTIFIER)?.val ?? '';
  if (!id) return undefined;
  return { id, roles: claims.filter((c) => roleTypes.has(c.typ)).map((c) => c.val) };
}

export type Authorized<T> = { ok: true; value: T } | { ok: false; response: HttpResponseInit };

/** Member endpoints take the member id from the principal, never from the URL or body. */
export function requireMember(request: HttpRequest): Authorized<string> {
  const principal = principalOf(request);
  if (!principal) return { ok: false, response: problem(401, 'AUTH.UNAUTHENTICATED', 'sign in first') };
  if (!MEMBER_ID_PATTERN.test(principal.id)) {
    return {
      ok: false,
      response: problem(403, 'AUTH.NOT_A_MEMBER', 'the signed-in identity is not a member id'),
    };
  }
  return { ok: true, value: principal.id };
}

export function requireRole(request: HttpRequest, role: 'ops' | 'enrolment'): Authorized<Principal> {
  const principal = principalOf(request);
  if (!principal) return { ok: false, response: problem(401, 'AUTH.UNAUTHENTICATED', 'sign in first') };
  if (!principal.roles.includes(role)) {
    return { ok: false, response: problem(403, 'AUTH.FORBIDDEN', `the ${role} role is required`) };
  }
  return { ok: true, value: principal };
}
