import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

const hostJsonSchema = z.looseObject({
  extensions: z
    .looseObject({
      http: z.looseObject({ routePrefix: z.string().optional() }).optional(),
      serviceBus: z
        .looseObject({
          messageHandlerOptions: z
            .looseObject({ maxConcurrentCalls: z.number().int().positive().optional() })
            .optional(),
        })
        .optional(),
    })
    .optional(),
});

/** The host.json settings the local host honours; everything else in host.json is Azure-only. */
export interface HostJsonSettings {
  routePrefix: string;
  maxConcurrentCalls: number;
}

export function readHostJson(rootDir: string): HostJsonSettings {
  const path = join(rootDir, 'host.json');
  const parsed = existsSync(path) ? hostJsonSchema.parse(JSON.parse(readFileSync(path, 'utf8'))) : {};
  return {
    routePrefix: parsed.extensions?.http?.routePrefix ?? 'api',
    maxConcurrentCalls: parsed.extensions?.serviceBus?.messageHandlerOptions?.maxConcurrentCalls ?? 16,
  };
}
