import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { z } from 'zod';
import { MEMBER_ID_PATTERN } from '../../domain';
import { problem } from './problem';

/** The caller as App Service Authentication describes it (SPEC §7). */
export interface Principal {
  /** From the member-id claim (`AUTH_MEMBER_ID_CLAIM`, default name identifier): the member id for members. */
  id: string;
  roles: string[];
}

export const PRINCIPAL_HEADER = 'x-ms-client-principal';
export const NAME_IDENTIFIER = 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/nameidentifier';
const DEFAULT_ROLE_CLAIMS = ['roles', 'http://schemas.microsoft.com/ws/2008/06/identity/claims/role'];

/**
 * How far the app may trust `x-ms-client-principal`, decided once at start-up from the settings.
 * App Service Authentication strips any caller-supplied x-ms-* header and writes its own, but only while
 * it is on; in Azure (`WEBSITE_SITE_NAME` is set) with it off (`WEBSITE_AUTH_ENABLED` not `True`) anyone
 * could send the header, so every protected endpoint answers 401 (the health probe and the blob webhook do
 * not read a principal). Locally the runtime's dev-token edge writes the header (docs/local-runtime.md).
 */
export interface IdentitySettings {
  /** Claim type carrying the member id (`AUTH_MEMBER_ID_CLAIM`, default the name identifier). */
  memberIdClaim: string;
  /** True in Azure without App Service Authentication: no principal is believed. */
  edgeOff: boolean;
}

export function identitySettings(env: Record<string, string | undefined> = process.env): IdentitySettings {
  const inAzure = Boolean(env['WEBSITE_SITE_NAME'] || env['WEBSITE_INSTANCE_ID']);
  return {
    memberIdClaim: env['AUTH_MEMBER_ID_CLAIM']?.trim() || NAME_IDENTIFIER,
    edgeOff: inAzure && env['WEBSITE_AUTH_ENABLED']?.toLowerCase() !== 'true',
  };
}

/** Read when the app's modules load, i.e. when the host starts. */
const STARTUP_IDENTITY = identitySettings();

const edgeOff = (): HttpResponseInit =>
  problem(
    401,
    'AUTH.UNAUTHENTICATED',
    'App Service Authentication is not enabled on this app, so no caller can be identified',
  );

const principalSchema = z.object({
  auth_typ: z.string().optional(),
  name_typ: z.string().optional(),
  role_typ: z.string().optional(),
  claims: z.array(z.object({ typ: z.string(), val: z.string() })),
});

/** The header's claims and roles; undefined when absent or unreadable (treated as unauthenticated). */
function decode(
  request: HttpRequest,
): { claims: { typ: string; val: string }[]; roles: string[] } | undefined {
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
  return { claims, roles: claims.filter((c) => roleTypes.has(c.typ)).map((c) => c.val) };
}

const claim = (claims: { typ: string; val: string }[], typ: string): string =>
  claims.find((c) => c.typ === typ)?.val ?? '';

/**
 * The caller: id = the member-id claim, or the name identifier for callers without one (ops, the
 * onboarding system), so a custom member claim never locks out the role endpoints.
 */
export function principalOf(
  request: HttpRequest,
  identity: IdentitySettings = STARTUP_IDENTITY,
): Principal | undefined {
  if (identity.edgeOff) return undefined;
  const decoded = decode(request);
  if (!decoded) return undefined;
  const id = claim(decoded.claims, identity.memberIdClaim) || claim(decoded.claims, NAME_IDENTIFIER);
  return id ? { id, roles: decoded.roles } : undefined;
}

export type Authorized<T> = { ok: true; value: T } | { ok: false; response: HttpResponseInit };

/** Member endpoints take the member id from the principal, never from the URL or body. */
export function requireMember(
  request: HttpRequest,
  identity: IdentitySettings = STARTUP_IDENTITY,
): Authorized<string> {
  if (identity.edgeOff) return { ok: false, response: edgeOff() };
  if (!principalOf(request, identity))
    return { ok: false, response: problem(401, 'AUTH.UNAUTHENTICATED', 'sign in first') };
  // only the member-id claim itself names a member: no fallback to another claim here
  const memberId = claim(decode(request)?.claims ?? [], identity.memberIdClaim);
  if (!MEMBER_ID_PATTERN.test(memberId)) {
    return {
      ok: false,
      response: problem(403, 'AUTH.NOT_A_MEMBER', 'the signed-in identity is not a member id'),
    };
  }
  return { ok: true, value: memberId };
}

export function requireRole(
  request: HttpRequest,
  role: 'ops' | 'enrolment',
  identity: IdentitySettings = STARTUP_IDENTITY,
): Authorized<Principal> {
  if (identity.edgeOff) return { ok: false, response: edgeOff() };
  const principal = principalOf(request, identity);
  if (!principal) return { ok: false, response: problem(401, 'AUTH.UNAUTHENTICATED', 'sign in first') };
  if (!principal.roles.includes(role)) {
    return { ok: false, response: problem(403, 'AUTH.FORBIDDEN', `the ${role} role is required`) };
  }
  return { ok: true, value: principal };
}
