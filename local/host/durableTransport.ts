import { interceptDurableAxios, type AxiosConfigLike } from '../interceptions';
import type { HostDurableEngine } from './types';
import { WEBHOOK_PREFIX } from '../durable/clientData';

/**
 * Serves the durable client's requests to this host's own Durable Functions HTTP API in process.
 *
 * `df.getClient()` talks to the host over HTTP through axios, in Azure as here. Over loopback, each call
 * costs a socket write and an HTTP parse on both ends, all on the one thread that also runs the app. This
 * adapter hands requests whose URL is this host's webhook origin straight to the engine's HTTP API
 * handler, the same one the socket route serves, and answers axios as its HTTP adapter would (status,
 * headers, body text, `validateStatus`); any other URL goes to axios's own HTTP adapter. It is installed
 * on the axios that durable-functions loads, as a default, so the app's code is unchanged.
 */
export function installInProcessDurableClient(baseUrl: string, engine: HostDurableEngine): () => void {
  const origin = new URL(baseUrl).origin;
  const prefix = `${origin}${WEBHOOK_PREFIX}/`;
  return interceptDurableAxios((axios, http) => async (config: AxiosConfigLike): Promise<unknown> => {
    const url = new URL(config.url ?? '', config.baseURL);
    if (!url.href.startsWith(prefix)) return http(config);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(config.headers?.toJSON?.() ?? config.headers ?? {}))
      if (typeof v === 'string' || typeof v === 'number') headers[k.toLowerCase()] = String(v);
    const r = await engine.handleWebhook({
      method: (config.method ?? 'get').toUpperCase(),
      path: url.pathname.slice(WEBHOOK_PREFIX.length + 1),
      query: url.searchParams,
      body:
        typeof config.data === 'string'
          ? config.data
          : config.data === undefined
            ? ''
            : JSON.stringify(config.data),
      headers,
    });
    const response = {
      data: r.body ?? '',
      status: r.status,
      statusText: '',
      headers: Object.fromEntries(Object.entries(r.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
      config,
      request: { path: url.pathname + url.search },
    };
    if (!config.validateStatus || config.validateStatus(r.status)) return response;
    throw new axios.AxiosError(
      `Request failed with status code ${r.status}`,
      r.status < 500 ? 'ERR_BAD_REQUEST' : 'ERR_BAD_RESPONSE',
      config,
      response.request,
      response,
    );
  });
}
