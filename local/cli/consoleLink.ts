import type { LocalClient, TokenFor } from './client';

/**
 * A sign-in link for the console: the local edge's `/.auth/login/dev` with a fresh dev token, sending the
 * browser on to the ops console or the member view once the session cookie is set.
 */
export async function consoleLink(
  client: LocalClient,
  forWhom: { ops: true } | { member: string },
): Promise<string> {
  const token = await client.token(forWhom as TokenFor);
  const page = 'ops' in forWhom ? '/api/console/ops' : '/api/console/me';
  const params = new URLSearchParams({ token, post_login_redirect_uri: page });
  return `${client.baseUrl}/.auth/login/dev?${params.toString()}`;
}
