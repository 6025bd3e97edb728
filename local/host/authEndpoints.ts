import { hostProblem, type PlainRequest, type PlainResponse } from './httpFunctions';
import type { HttpPart } from './httpServer';
import { SESSION_COOKIE, verifyDevToken } from './identity';
import { wallClockMs } from './wallClock';

/** Where `/.auth/login/dev` sends the browser when no redirect is given: the ops console. */
export const DEFAULT_AFTER_LOGIN = '/api/console/ops';

/** A same-origin path only (`/api/...`), so a sign-in link can never redirect to another site. */
function localPath(value: string | null, fallback: string): string {
  return value && /^\/(?![/\\])/.test(value) ? value : fallback;
}

function redirect(to: string, cookie: string): PlainResponse {
  return {
    status: 302,
    headers: [
      ['location', to],
      ['set-cookie', cookie],
      ['cache-control', 'no-store'],
    ],
    body: Buffer.alloc(0),
  };
}

/**
 * The browser half of the local identity edge, in the place App Service Authentication has its own
 * (`/.auth/login/<provider>`, `/.auth/logout`). `GET /.auth/login/dev?token=<dev token>
 * &post_login_redirect_uri=/api/console/ops` verifies the dev token and stores it in the session cookie
 * (HttpOnly, SameSite=Lax, so another site cannot post with it), which the edge then reads like a bearer
 * token; the app still only ever sees `x-ms-client-principal`, written by the edge.
 */
export function createAuthEndpoints(secret: Buffer): HttpPart {
  return {
    owns: (pathname) => pathname === '/.auth' || pathname.startsWith('/.auth/'),
    handle(req: PlainRequest): Promise<PlainResponse> {
      const { pathname, searchParams } = req.url;
      if (req.method !== 'GET')
        return Promise.resolve(
          hostProblem(405, 'ROUTE.METHOD_NOT_ALLOWED', `${req.method} is not allowed here`),
        );
      if (pathname === '/.auth/login/dev') {
        const token = searchParams.get('token') ?? '';
        if (!verifyDevToken(secret, token, wallClockMs()))
          return Promise.resolve(
            hostProblem(
              401,
              'AUTH.UNAUTHENTICATED',
              'the sign-in link carries no valid dev token (expired, or from another data dir): print a new one with npm run cli -- console-link',
            ),
          );
        const to = localPath(searchParams.get('post_login_redirect_uri'), DEFAULT_AFTER_LOGIN);
        return Promise.resolve(redirect(to, `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Lax`));
      }
      if (pathname === '/.auth/logout') {
        const to = localPath(searchParams.get('post_logout_redirect_uri'), '/api/health');
        return Promise.resolve(redirect(to, `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`));
      }
      return Promise.resolve(hostProblem(404, 'ROUTE.NOT_FOUND', `nothing is served at ${pathname}`));
    },
  };
}
