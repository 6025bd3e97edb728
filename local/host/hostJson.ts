import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { AZURE_LIMITS, parseTimeSpanMs, type EngineLimits } from '../durable';

/**
 * `extensions.serviceBus` as the Service Bus extension 5.x reads it (the one in extension bundle
 * [4.*, 5.0.0)): every option sits directly under `serviceBus` (ServiceBusOptions). The 2.x-4.x layout
 * (`messageHandlerOptions`, `sessionHandlerOptions`, `batchOptions`) is ignored by Azure without an error,
 * so the local host ignores it too and says so.
 */
export const SERVICE_BUS_5X_KEYS = [
  'autoCompleteMessages',
  'clientRetryOptions',
  'enableCrossEntityTransactions',
  'maxAutoLockRenewalDuration',
  'maxBatchWaitTime',
  'maxConcurrentCalls',
  'maxConcurrentCallsPerSession',
  'maxConcurrentSessions',
  'maxMessageBatchSize',
  'minMessageBatchSize',
  'prefetchCount',
  'sessionIdleTimeout',
  'transportType',
  'webProxy',
] as const;

/** Where a 2.x-4.x setting lives in 5.x. */
const MOVED_IN_5X: Record<string, string> = {
  'messageHandlerOptions.autoComplete': 'autoCompleteMessages',
  'messageHandlerOptions.maxConcurrentCalls': 'maxConcurrentCalls',
  'messageHandlerOptions.maxAutoRenewDuration': 'maxAutoLockRenewalDuration',
  'sessionHandlerOptions.autoComplete': 'autoCompleteMessages',
  'sessionHandlerOptions.maxConcurrentSessions': 'maxConcurrentSessions',
  'sessionHandlerOptions.maxAutoRenewDuration': 'maxAutoLockRenewalDuration',
  'batchOptions.maxMessageCount': 'maxMessageBatchSize',
  'batchOptions.autoComplete': 'autoCompleteMessages',
};

/** A .NET TimeSpan as host.json writes it: [d.]hh:mm:ss[.fff]. */
const timeSpan = z
  .string()
  .regex(/^(\d+\.)?\d{1,2}:\d{2}:\d{2}(\.\d+)?$/, 'must be a TimeSpan like 00:05:00')
  .transform((s) => {
    const [, days = '0', h = '0', m = '0', sec = '0'] =
      /^(?:(\d+)\.)?(\d+):(\d+):(\d+(?:\.\d+)?)$/.exec(s) ?? [];
    return Math.round(((Number(days) * 24 + Number(h)) * 60 + Number(m)) * 60_000 + Number(sec) * 1000);
  });

const serviceBusSchema = z.looseObject({
  autoCompleteMessages: z.boolean().optional(),
  maxConcurrentCalls: z.number().int().positive().optional(),
  maxAutoLockRenewalDuration: timeSpan.optional(),
  prefetchCount: z.number().int().nonnegative().optional(),
});

const hostJsonSchema = z.looseObject({
  functionTimeout: z.string().optional(),
  extensions: z
    .looseObject({
      durableTask: z
        .looseObject({
          maxEntityOperationBatchSize: z.number().int().positive().optional(),
          maxOrchestrationActions: z.number().int().positive().optional(),
        })
        .optional(),
      http: z.looseObject({ routePrefix: z.string().optional() }).optional(),
      serviceBus: serviceBusSchema.optional(),
    })
    .optional(),
});

/** The host.json settings the local host honours; everything else in host.json is Azure-only. */
export interface HostJsonSettings {
  routePrefix: string;
  /** extensions.serviceBus.maxConcurrentCalls (5.x default 16 × processors; locally per queue). */
  maxConcurrentCalls: number;
  /** extensions.serviceBus.autoCompleteMessages (default true). */
  autoCompleteMessages: boolean;
  /** extensions.serviceBus.maxAutoLockRenewalDuration in ms (default 5 minutes): the lock a trigger holds. */
  maxAutoLockRenewalMs: number;
  /** What Azure would ignore or do differently, one line each, for the start-up log. */
  warnings: string[];
  /** The limits the durable engine enforces as Azure does (functionTimeout, durableTask options). */
  durableLimits: EngineLimits;
}

function serviceBusWarnings(serviceBus: Record<string, unknown>): string[] {
  return Object.entries(serviceBus).flatMap(([key, value]) => {
    if ((SERVICE_BUS_5X_KEYS as readonly string[]).includes(key)) return [];
    const nested =
      value && typeof value === 'object' && !Array.isArray(value) ? Object.keys(value as object) : [];
    const moves = nested
      .map((k) =>
        MOVED_IN_5X[`${key}.${k}`] ? `${key}.${k} → serviceBus.${MOVED_IN_5X[`${key}.${k}`]}` : '',
      )
      .filter(Boolean);
    return [
      `host.json: extensions.serviceBus.${key} is ignored by the Service Bus extension 5.x (bundle [4.*, 5.0.0)) ` +
        `and here${moves.length > 0 ? `; move ${moves.join(', ')}` : ''}`,
    ];
  });
}

export function readHostJson(rootDir: string): HostJsonSettings {
  const path = join(rootDir, 'host.json');
  const raw: unknown = existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : {};
  const parsed = hostJsonSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`host.json: ${issue?.path.join('.') ?? ''} ${issue?.message ?? 'is invalid'}`);
  }
  const serviceBus = parsed.data.extensions?.serviceBus ?? {};
  const autoCompleteMessages = serviceBus.autoCompleteMessages ?? true;
  return {
    routePrefix: parsed.data.extensions?.http?.routePrefix ?? 'api',
    maxConcurrentCalls: serviceBus.maxConcurrentCalls ?? 16,
    autoCompleteMessages,
    maxAutoLockRenewalMs: serviceBus.maxAutoLockRenewalDuration ?? 5 * 60_000,
    warnings: [
      ...serviceBusWarnings(serviceBus),
      ...(autoCompleteMessages
        ? []
        : [
            'host.json: extensions.serviceBus.autoCompleteMessages is false, but a Node function cannot settle ' +
              'messages itself; the local host completes on success as with true',
          ]),
    ],
    durableLimits: {
      ...AZURE_LIMITS,
      ...(parsed.data.functionTimeout !== undefined
        ? { functionTimeoutMs: parseTimeSpanMs(parsed.data.functionTimeout) }
        : {}),
      maxEntityOperationBatchSize:
        parsed.data.extensions?.durableTask?.maxEntityOperationBatchSize ??
        AZURE_LIMITS.maxEntityOperationBatchSize,
      maxOrchestrationActions:
        parsed.data.extensions?.durableTask?.maxOrchestrationActions ?? AZURE_LIMITS.maxOrchestrationActions,
    },
  };
}
