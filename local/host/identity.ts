import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

export const NAME_IDENTIFIER_CLAIM = 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/nameidentifier';
export const NAME_CLAIM = 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name';
const TOKEN_PREFIX = 'cmadev';

const payloadSchema = z.object({
  sub: z.string().min(1).max(200),
  name: z.string().min(1).max(200),
  roles: z.array(z.string().min(1).max(100)).max(20),
  iat: z.number().int(),
  exp: z.number().int(),
});
export type DevTokenPayload = z.infer<typeof payloadSchema>;

/** The body of `x-ms-client-principal` as App Service Authentication writes it (before base64). */
export interface ClientPrincipal {
  auth_typ: string;
  name_typ: string;
  role_typ: string;
  claims: { typ: string; val: string }[];
}

function sign(secret: Buffer, body: string): string {
  return createHmac('sha256', secret).update(`${TOKEN_PREFIX}.${body}`).digest('base64url');
}

/** Mints `cmadev.<payload>.<hmac>`; `exp`/`iat` are wall-clock seconds, independent of a virtual clock. */
export function mintDevToken(
  secret: Buffer,
  claims: { sub: string; name?: string; roles?: string[] },
  nowMs: number,
  ttlSeconds = 30 * 86_400,
): string {
  const iat = Math.floor(nowMs / 1000);
  const payload = payloadSchema.parse({
    sub: claims.sub,
    name: claims.name ?? claims.sub,
    roles: claims.roles ?? [],
    iat,
    exp: iat + ttlSeconds,
  });
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${TOKEN_PREFIX}.${body}.${sign(secret, body)}`;
}

/** Returns the payload of a genuine, unexpired token, or undefined for anything else. */
export function verifyDevToken(secret: Buffer, token: string, nowMs: number): DevTokenPayload | undefined {
  const [prefix, body, mac, ...rest] = token.split('.');
  if (prefix !== TOKEN_PREFIX || !body || !mac || rest.length > 0) return undefined;
  const expected = Buffer.from(sign(secret, body));
  const given = Buffer.from(mac);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
  try {
    const parsed = payloadSchema.safeParse(JSON.parse(Buffer.from(body, 'base64url').toString('utf8')));
    if (!parsed.success || parsed.data.exp * 1000 <= nowMs) return undefined;
    return parsed.data;
  } catch {
    return undefined;
  }
}

export function principalOf(payload: DevTokenPayload): ClientPrincipal {
  return {
    auth_typ: 'aad',
    name_typ: NAME_CLAIM,
    role_typ: 'roles',
    claims: [
      { typ: NAME_IDENTIFIER_CLAIM, val: payload.sub },
      { typ: NAME_CLAIM, val: payload.name },
      ...payload.roles.map((role) => ({ typ: 'roles', val: role })),
    ],
  };
}

/**
 * The session cookie App Service Authentication sets after a browser sign-in; locally it carries a dev
 * token (`/.auth/login/dev`, local/host/authEndpoints.ts) and is verified like a bearer token.
 */
export const SESSION_COOKIE = 'AppServiceAuthSession';

/** The value of one cookie of a `Cookie` header (undefined when absent). */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}

/**
 * The identity edge of SPEC §7: drops every client-supplied `x-ms-client-principal*` header, then adds
 * the principal headers only for a valid dev token, from `Authorization: Bearer` or else the session
 * cookie (a browser signed in through `/.auth/login/dev`). Header names are lower case.
 */
export function applyIdentityEdge(
  headers: Record<string, string>,
  secret: Buffer,
  nowMs: number,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!name.toLowerCase().startsWith('x-ms-client-principal')) out[name.toLowerCase()] = value;
  }
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(out['authorization'] ?? '');
  const token = bearer?.[1] ?? cookieValue(out['cookie'], SESSION_COOKIE);
  const payload = token ? verifyDevToken(secret, token, nowMs) : undefined;
  if (!payload) return out;
  out['x-ms-client-principal'] = Buffer.from(JSON.stringify(principalOf(payload))).toString('base64');
  out['x-ms-client-principal-id'] = payload.sub;
  out['x-ms-client-principal-name'] = payload.name;
  out['x-ms-client-principal-idp'] = 'aad';
  return out;
}
