import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import tls from 'node:tls';

/** The self-signed certificate `@vercel/cosmosdb-server` serves (CN=cosmosdb, expired in 2021). */
export function emulatorCertificatePem(): string {
  return readFileSync(require.resolve('@vercel/cosmosdb-server/cert.pem'), 'utf8');
}

const pinned = new Map<string, string>();
let installed = false;

/**
 * Trusts the Cosmos emulator's certificate for its loopback endpoint only, by pinning its SHA-256
 * fingerprint: connections to `127.0.0.1|localhost:<port>` skip chain validation (the certificate is
 * self-signed and expired) but are closed unless the peer presents exactly that certificate. Every other
 * TLS connection in the process keeps full validation, unlike `NODE_TLS_REJECT_UNAUTHORIZED=0`.
 */
export function trustEmulatorCertificate(port: number, certPem = emulatorCertificatePem()): void {
  const fingerprint = new X509Certificate(certPem).fingerprint256;
  for (const host of ['127.0.0.1', 'localhost']) pinned.set(`${host}:${port}`, fingerprint);
  if (installed) return;
  installed = true;
  const connect = tls.connect;
  const patched = function (this: unknown, ...args: unknown[]): tls.TLSSocket {
    const options = args[0];
    if (args.length !== 1 && !(args.length === 2 && typeof args[1] === 'function'))
      return Reflect.apply(connect, this, args) as tls.TLSSocket;
    if (typeof options !== 'object' || options === null)
      return Reflect.apply(connect, this, args) as tls.TLSSocket;
    const o = options as tls.ConnectionOptions;
    const expected = pinned.get(`${o.host ?? o.servername ?? 'localhost'}:${o.port ?? 443}`);
    if (!expected) return Reflect.apply(connect, this, args) as tls.TLSSocket;
    // no session resumption: a resumed session carries no certificate to check against the pin
    const socket = Reflect.apply(connect, this, [
      { ...o, session: undefined, rejectUnauthorized: false },
      ...args.slice(1),
    ]) as tls.TLSSocket;
    socket.once('secureConnect', () => {
      if (socket.getPeerCertificate().fingerprint256 !== expected) {
        socket.destroy(
          new Error(
            `TLS peer at ${o.host}:${o.port} is not the local Cosmos emulator (certificate pin mismatch)`,
          ),
        );
      }
    });
    return socket;
  };
  (tls as { connect: typeof tls.connect }).connect = patched as typeof tls.connect;
}
