import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { RegisteredFunction } from '../../functionsCore';
import { createHttpFunctions } from '../../host/httpFunctions';
import { createHostServer } from '../../host/httpServer';
import type { Invoker } from '../../host/invoke';

// With `app.setup({ enableHttpStream: true })` Azure forwards a function's streamed body as it is produced.
// The host does the same for a body returned as a stream, so a long export starts arriving before the
// function has produced all of it, and a client that goes away stops the producer.

const encoder = new TextEncoder();
let release: () => void = () => undefined;
let cancelled = false;

/**
 * A body whose first line is ready at once and whose second waits for the test to release it; `endless`
 * goes on producing lines (every 10 ms) until it is cancelled.
 */
function gatedBody(endless = false): ReadableStream<Uint8Array> {
  let step = 0;
  return new ReadableStream({
    async pull(controller) {
      step += 1;
      if (step === 1) controller.enqueue(encoder.encode('first line\n'));
      else if (step === 2) {
        await new Promise<void>((resolve) => (release = resolve));
        controller.enqueue(encoder.encode('second line\n'));
      } else if (endless) {
        await new Promise((resolve) => setTimeout(resolve, 10));
        controller.enqueue(encoder.encode(`line ${step}\n`));
      } else controller.close();
    },
    cancel() {
      cancelled = true;
    },
  });
}

const fn = (name: string, handler: () => unknown): RegisteredFunction => ({
  name,
  bindings: {},
  trigger: { name: 'request', type: 'httpTrigger', direction: 'in', route: name, methods: ['GET'] },
  handler,
});
const functions = [
  fn('streamed', () => ({ status: 200, headers: { 'content-type': 'text/csv' }, body: gatedBody() })),
  fn('endless', () => ({ status: 200, body: gatedBody(true) })),
  fn('buffered', () => ({ status: 200, body: 'all at once' })),
];
const invoker: Invoker = { invoke: (inv) => Promise.resolve(inv.fn.handler(inv.triggerInput)) };

let server: Server;
let baseUrl: string;

beforeAll(async () => {
  const http = createHttpFunctions(functions, { invoker, secret: Buffer.from('test-secret') });
  server = createHostServer([http], () => undefined, 1024 * 1024);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  cancelled = false;
});

describe('a function body returned as a stream', () => {
  it('reaches the client chunk by chunk, before the function has produced the rest', async () => {
    const response = await fetch(`${baseUrl}/api/streamed`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv');
    expect(response.headers.get('transfer-encoding')).toBe('chunked');
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();

    // the first line arrives while the second is still held back by the producer
    const first = await reader.read();
    expect(decoder.decode(first.value)).toBe('first line\n');
    release();
    let rest = '';
    for (let next = await reader.read(); !next.done; next = await reader.read())
      rest += decoder.decode(next.value);
    expect(rest).toBe('second line\n');
  });

  it('stops the producer when the client goes away', async () => {
    const aborter = new AbortController();
    const response = await fetch(`${baseUrl}/api/endless`, { signal: aborter.signal });
    const reader = response.body!.getReader();
    await reader.read();
    aborter.abort();
    release();
    for (let waited = 0; !cancelled && waited < 5_000; waited += 20)
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(cancelled).toBe(true);
  });

  it('leaves a plain body as it was: one buffer with its length', async () => {
    const response = await fetch(`${baseUrl}/api/buffered`);
    expect(response.headers.get('content-length')).toBe(String('all at once'.length));
    expect(await response.text()).toBe('all at once');
  });
});
