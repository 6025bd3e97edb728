import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Loads the per-data-dir signing secret, creating it (0600) on first use: only someone who can read the
 * data dir (the CLI on this machine) can mint tokens, so a client cannot grant itself roles.
 */
export function loadOrCreateSecret(path: string): Buffer {
  if (existsSync(path)) return Buffer.from(readFileSync(path, 'utf8').trim(), 'hex');
  mkdirSync(dirname(path), { recursive: true });
  const secret = randomBytes(32);
  writeFileSync(path, secret.toString('hex'), { mode: 0o600, flag: 'wx' });
  return secret;
}

/** The admin key lives next to the token secret: whoever can read the data dir can drive the host. */
export function loadOrCreateAdminKey(dataDir: string): string {
  const path = join(dataDir, 'admin.key');
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  const key = randomBytes(24).toString('base64url');
  writeFileSync(path, key, { mode: 0o600, flag: 'wx' });
  return key;
}
