import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

const settingsFileSchema = z.object({
  Values: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
});

/**
 * Copies `Values` from `local.settings.json` (or, when absent, `local.settings.sample.json`) into `env`,
 * never overwriting a variable that is already set, as Core Tools does. Returns the file used.
 */
export function loadSettings(rootDir: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const file = ['local.settings.json', 'local.settings.sample.json']
    .map((f) => join(rootDir, f))
    .find((f) => existsSync(f));
  if (!file) return undefined;
  const parsed = settingsFileSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file}: ${parsed.error.message}`);
  for (const [key, value] of Object.entries(parsed.data.Values)) {
    if (env[key] === undefined) env[key] = String(value);
  }
  return file;
}

/** Resolves a binding value written as `%SETTING%` (whole or embedded), as the Functions host does. */
export function resolveSetting(value: string, env: NodeJS.ProcessEnv = process.env): string {
  return value.replace(/%([^%]+)%/g, (_, name: string) => {
    const resolved = env[name];
    if (resolved === undefined) throw new Error(`binding refers to %${name}%, which is not set`);
    return resolved;
  });
}
