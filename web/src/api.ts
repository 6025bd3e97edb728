// The console's one way to the API: same origin, the session cookie, problem+json errors turned into
// an ApiError with the API's code and message (never a stack trace or a raw body).

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
  ) {
    super(`${code}: ${detail}`);
  }
}

/** The money totals every progress answer carries (openapi `Progress`, `MemberDetail.progress`), in integer cents. */
export interface Totals {
  targetCents: number;
  progressCents: number;
  confirmedCents: number;
  pendingCents: number;
  remainingCents: number;
  atRisk: boolean;
}

interface Problem {
  code?: unknown;
  detail?: unknown;
  errors?: { path?: unknown; message?: unknown }[];
}

async function problemOf(res: Response): Promise<ApiError> {
  const fallback = new ApiError(res.status, `HTTP.${res.status}`, res.statusText || 'the request failed');
  if (!/json/.test(res.headers.get('content-type') ?? '')) return fallback;
  try {
    const body = (await res.json()) as Problem;
    if (typeof body.code !== 'string') return fallback;
    const fields = (body.errors ?? [])
      .map((e) => `${String(e.path ?? '')}: ${String(e.message ?? '')}`)
      .join('; ');
    const detail = typeof body.detail === 'string' ? body.detail : fallback.detail;
    return new ApiError(res.status, body.code, fields ? `${detail} (${fields})` : detail);
  } catch {
    return fallback;
  }
}

async function send(method: string, path: string, accept: string): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(path, { method, credentials: 'same-origin', headers: { accept } });
  } catch {
    throw new ApiError(
      0,
      'NETWORK.UNREACHABLE',
      'the app could not be reached; check the connection and retry',
    );
  }
  if (!res.ok) throw await problemOf(res);
  return res;
}

export async function getJson<T>(path: string): Promise<T> {
  return (await (await send('GET', path, 'application/json')).json()) as T;
}

export async function postJson<T>(path: string): Promise<T> {
  return (await (await send('POST', path, 'application/json')).json()) as T;
}

export async function getText(path: string): Promise<string> {
  return (await send('GET', path, 'text/csv')).text();
}
