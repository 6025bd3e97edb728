import { HttpRequest, HttpResponse } from '@azure/functions';
import type { RegisteredFunction } from '../functionsCore';
import { applyIdentityEdge } from './identity';
import type { Invoker } from './invoke';
import { compileRoute, matchRoute, type CompiledRoute } from './routes';
import { wallClockMs } from './wallClock';

export interface PlainRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: Buffer;
}

export interface PlainResponse {
  status: number;
  headers: [string, string][];
  body: Buffer;
  /**
   * A body the function returned as a stream (`ReadableStream`, async iterable): written to the socket as
   * it is produced, as Azure does with `app.setup({ enableHttpStream: true })`; `body` is then empty.
   */
  stream?: AsyncIterable<Uint8Array>;
}

const isStreamBody = (body: unknown): boolean =>
  typeof body === 'object' &&
  body !== null &&
  (body instanceof ReadableStream || Symbol.asyncIterator in body) &&
  !ArrayBuffer.isView(body);

export interface HttpFunctionsOptions {
  invoker: Invoker;
  secret: Buffer;
  routePrefix?: string;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  405: 'Method Not Allowed',
  413: 'Content Too Large',
  500: 'Internal Server Error',
};

/**
 * An RFC 9457 problem the host itself answers (no function ran), in the shape `openapi.yaml` gives every
 * error: `type`, `title`, `status`, a stable `code` and `detail`.
 */
export function hostProblem(status: number, code: string, detail: string): PlainResponse {
  const body = {
    type: `https://errors.cold-member-activation.example/${code.toLowerCase().replace(/[._]/g, '-')}`,
    title: TITLES[status] ?? 'Error',
    status,
    code,
    detail,
  };
  return {
    status,
    headers: [['content-type', 'application/problem+json']],
    body: Buffer.from(JSON.stringify(body)),
  };
}

/** Normalises a handler result the way `toRpcHttp` does: an `HttpResponse` or a plain `HttpResponseInit`. */
export async function toPlainResponse(result: unknown): Promise<PlainResponse> {
  if (result === undefined || result === null) return { status: 204, headers: [], body: Buffer.alloc(0) };
  if (typeof result !== 'object')
    throw new Error(
      'The HTTP response must be an object with optional properties "body", "status", "headers", and "cookies".',
    );
  const response = result instanceof HttpResponse ? result : new HttpResponse(result);
  const headers = [...response.headers.entries()];
  for (const cookie of response.cookies)
    headers.push([
      'set-cookie',
      `${cookie.name}=${cookie.value}${cookie.path ? `; Path=${cookie.path}` : ''}`,
    ]);
  const streamed = !(result instanceof HttpResponse) && isStreamBody((result as { body?: unknown }).body);
  if (streamed && response.body)
    return { status: response.status, headers, body: Buffer.alloc(0), stream: response.body };
  return { status: response.status, headers, body: Buffer.from(await response.arrayBuffer()) };
}

/**
 * Serves `httpTrigger` functions below the route prefix: route templates and methods as the host reads
 * them, `authLevel` ignored, the identity edge applied before the app sees any header.
 */
export function createHttpFunctions(functions: RegisteredFunction[], opts: HttpFunctionsOptions) {
  const prefix = (opts.routePrefix ?? 'api').replace(/^\/+|\/+$/g, '');
  const routes: CompiledRoute<RegisteredFunction>[] = functions.map((fn) => {
    const methods = fn.trigger['methods'] as string[] | undefined;
    return compileRoute(String(fn.trigger['route'] ?? fn.name), methods, fn);
  });
  return {
    routes: routes.map((r) => ({
      name: r.target.name,
      route: `/${prefix}/${r.template}`,
      methods: r.methods ? [...r.methods] : ['*'],
    })),
    owns(pathname: string): boolean {
      return prefix === '' || pathname === `/${prefix}` || pathname.startsWith(`/${prefix}/`);
    },
    async handle(req: PlainRequest): Promise<PlainResponse> {
      const path = req.url.pathname.slice(prefix === '' ? 0 : prefix.length + 1);
      const found = matchRoute(routes, req.method, path);
      if (found.kind === 'none')
        return hostProblem(404, 'ROUTE.NOT_FOUND', `no function for ${req.method} ${req.url.pathname}`);
      if (found.kind === 'malformedPath')
        return hostProblem(400, 'REQUEST.MALFORMED_PATH', 'the path has a malformed percent-escape');
      if (found.kind === 'methodNotAllowed') {
        const answer = hostProblem(
          405,
          'ROUTE.METHOD_NOT_ALLOWED',
          `${req.method} is not allowed here (allowed: ${found.allowed.join(', ')})`,
        );
        return { ...answer, headers: [...answer.headers, ['allow', found.allowed.join(', ')]] };
      }
      const headers = applyIdentityEdge(req.headers, opts.secret, wallClockMs());
      const hasBody = !['GET', 'HEAD'].includes(req.method) && req.body.length > 0;
      const request = new HttpRequest({
        method: req.method,
        url: req.url.toString(),
        headers,
        params: found.params,
        ...(hasBody ? { body: { bytes: req.body } } : {}),
      });
      const result = await opts.invoker.invoke({
        fn: found.target,
        triggerInput: request,
        detail: `${req.method} ${req.url.pathname}`,
      });
      return toPlainResponse(result);
    },
  };
}
