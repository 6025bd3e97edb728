import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ADMIN_KEY_HEADER } from '../host/admin';

export interface Reply {
  status: number;
  headers: Headers;
  body: unknown;
  text: string;
}

export type TokenFor = { member: string } | { ops: true } | { enrolment: true };

/** Talks to a running local host: its admin API (with the data dir's admin key) and the app's HTTP API. */
export interface LocalClient {
  baseUrl: string;
  admin(method: string, path: string, body?: unknown): Promise<Reply>;
  api(method: string, path: string, opts?: { token?: string; body?: unknown }): Promise<Reply>;
  token(forWhom: TokenFor): Promise<string>;
}

async function toReply(res: Response): Promise<Reply> {
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text.length > 0 ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, headers: res.headers, body, text };
}

/**
 * A client for tests, benchmarks and the CLI. The admin key is read from `<dataDir>/admin.key`, written
 * by the host on first start, so only someone who can read the data dir can drive the host.
 */
export function createLocalClient(
  opts: { baseUrl?: string; dataDir?: string; adminKey?: string } = {},
): LocalClient {
  const baseUrl = (opts.baseUrl ?? 'http://127.0.0.1:7071').replace(/\/+$/, '');
  let adminKey = opts.adminKey;
  const key = (): string => {
    if (adminKey) return adminKey;
    const path = join(resolve(opts.dataDir ?? '.local'), 'admin.key');
    try {
      adminKey = readFileSync(path, 'utf8').trim();
    } catch {
      throw new Error(`cannot read ${path}: start the runtime first (npm start), or pass --data-dir`);
    }
    return adminKey;
  };
  const call = async (
    method: string,
    path: string,
    headers: Record<string, string>,
    body?: unknown,
  ): Promise<Reply> => {
    try {
      const res = await fetch(`${baseUrl}${path}`, {
        method,
        headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return await toReply(res);
    } catch (err) {
      throw new Error(`cannot reach the local runtime at ${baseUrl} (is \`npm start\` running?)`, {
        cause: err,
      });
    }
  };
  const client: LocalClient = {
    baseUrl,
    admin: (method, path, body) => call(method, path, { [ADMIN_KEY_HEADER]: key() }, body),
    api: (method, path, o = {}) =>
      call(method, path, o.token ? { authorization: `Bearer ${o.token}` } : {}, o.body),
    async token(forWhom) {
      const reply = await client.admin('POST', '/_local/tokens', forWhom);
      if (reply.status !== 201) throw new Error(`token request failed: ${reply.status} ${reply.text}`);
      return (reply.body as { token: string }).token;
    },
  };
  return client;
}
