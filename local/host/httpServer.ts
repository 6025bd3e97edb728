import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { hostProblem, type PlainRequest, type PlainResponse } from './httpFunctions';
import type { LogLine } from './types';

export interface HttpPart {
  owns(pathname: string): boolean;
  handle(req: PlainRequest): Promise<PlainResponse>;
  /** Overrides the server's body limit for this part (the admin API takes whole feed files). */
  bodyLimitBytes?: number;
}

class TooLarge extends Error {}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) return reject(new TooLarge());
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.destroy();
        reject(new TooLarge());
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function flatHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function send(res: ServerResponse, r: PlainResponse): void {
  res.statusCode = r.status;
  const grouped = new Map<string, string[]>();
  r.headers.forEach(([k, v]) => grouped.set(k, [...(grouped.get(k) ?? []), v]));
  grouped.forEach((v, k) => res.setHeader(k, v.length === 1 ? (v[0] as string) : v));
  if (r.stream) void stream(res, r.stream);
  else res.end(r.body);
}

/**
 * Writes a streamed body chunk by chunk (chunked transfer), waiting for the socket to drain; a body that
 * fails part-way aborts the connection, so the client sees a truncated response rather than a complete one.
 */
async function stream(res: ServerResponse, body: AsyncIterable<Uint8Array>): Promise<void> {
  let gone = false;
  res.once('close', () => (gone = true));
  res.flushHeaders();
  try {
    for await (const chunk of body) {
      // the client went away: leaving the loop cancels the body, so the function stops producing it
      if (gone) return;
      if (!res.write(chunk))
        await new Promise<void>((resolve) => {
          res.once('drain', resolve);
          res.once('close', resolve);
        });
    }
    res.end();
  } catch (err) {
    res.destroy(err instanceof Error ? err : new Error(String(err)));
  }
}

const isLoopback = (address: string | undefined): boolean =>
  address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';

/**
 * One HTTP listener for the app's functions, the durable webhooks and the admin API. Refuses non-loopback
 * peers, caps request bodies, and turns an unhandled failure into a bare 500 as the Functions host does.
 */
export function createHostServer(parts: HttpPart[], log: LogLine, bodyLimitBytes: number): Server {
  return createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
      let limit = bodyLimitBytes;
      try {
        if (!isLoopback(req.socket.remoteAddress))
          return send(res, { status: 403, headers: [], body: Buffer.from('loopback only') });
        const part = parts.find((p) => p.owns(url.pathname));
        if (!part)
          return send(res, hostProblem(404, 'ROUTE.NOT_FOUND', `nothing is served at ${url.pathname}`));
        limit = part.bodyLimitBytes ?? bodyLimitBytes;
        const body = await readBody(req, limit);
        send(
          res,
          await part.handle({
            method: (req.method ?? 'GET').toUpperCase(),
            url,
            headers: flatHeaders(req),
            body,
          }),
        );
      } catch (err) {
        if (err instanceof TooLarge) {
          res.setHeader('connection', 'close');
          return send(res, hostProblem(413, 'REQUEST.TOO_LARGE', `request body over ${limit} bytes`));
        }
        log(
          `http: ${req.method} ${url.pathname} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
        );
        if (!res.headersSent) send(res, { status: 500, headers: [], body: Buffer.alloc(0) });
      }
    })();
  });
}

/** Stops listening; requests under way may finish within `graceMs`, idle keep-alive connections close at once. */
export function closeGracefully(server: Server, graceMs: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const force = setTimeout(() => server.closeAllConnections(), graceMs);
    server.close(() => {
      clearTimeout(force);
      resolve();
    });
    server.closeIdleConnections();
  });
}
