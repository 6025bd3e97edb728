import { createServer } from 'node:net';

/** Exit code of `npm start` when a port it needs is taken (distinct from 1, a crash). */
export const EXIT_PORT_IN_USE = 3;

export class PortInUseError extends Error {
  constructor(
    readonly port: number,
    readonly purpose: string,
    readonly flag: string,
  ) {
    super(
      `port ${port} (${purpose}) is already in use on 127.0.0.1: stop whatever listens there (e.g. \`lsof -i :${port}\`) or choose another port with ${flag}`,
    );
    this.name = 'PortInUseError';
  }
}

/** Fails fast, before anything starts, when one of the runtime's ports is taken. */
export async function assertPortFree(port: number, purpose: string, flag: string): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'EADDRINUSE' || err.code === 'EACCES' ? new PortInUseError(port, purpose, flag) : err,
      ),
    );
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
}

/** A port free on 127.0.0.1 right now (for `--port 0`, whose number must be known before listening). */
export async function pickFreePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
