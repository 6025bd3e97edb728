import { z } from 'zod';

/** `HistoryEventType` of durable-functions 3.5.0 (`DF/history/HistoryEventType.js`). */
export const EventType = {
  ExecutionStarted: 0,
  ExecutionCompleted: 1,
  ExecutionFailed: 2,
  ExecutionTerminated: 3,
  TaskScheduled: 4,
  TaskCompleted: 5,
  TaskFailed: 6,
  SubOrchestrationInstanceCreated: 7,
  SubOrchestrationInstanceCompleted: 8,
  SubOrchestrationInstanceFailed: 9,
  TimerCreated: 10,
  TimerFired: 11,
  OrchestratorStarted: 12,
  OrchestratorCompleted: 13,
  EventSent: 14,
  EventRaised: 15,
  ContinueAsNew: 16,
} as const;

export const eventTypeName = (type: number): string =>
  Object.entries(EventType).find(([, value]) => value === type)?.[0] ?? `Unknown${type}`;

/** A history event in the PascalCase JSON the SDK replays; `Timestamp` is an ISO string at rest. */
export interface HistoryEvent {
  EventType: number;
  EventId: number;
  IsPlayed: false;
  Timestamp: string;
  [field: string]: unknown;
}

/** `ActionType` of durable-functions 3.5.0 (`DF/actions/ActionType.js`). */
export const ActionType = {
  CallActivity: 0,
  CallActivityWithRetry: 1,
  CallSubOrchestrator: 2,
  CallSubOrchestratorWithRetry: 3,
  ContinueAsNew: 4,
  CreateTimer: 5,
  WaitForExternalEvent: 6,
  CallEntity: 7,
  CallHttp: 8,
  SignalEntity: 9,
  WhenAny: 11,
  WhenAll: 12,
  LockEntities: 13,
  ReleaseEntities: 14,
} as const;

export const retryOptionsSchema = z.object({
  firstRetryIntervalInMilliseconds: z.number().positive(),
  maxNumberOfAttempts: z.number(),
  backoffCoefficient: z.number().optional(),
  maxRetryIntervalInMilliseconds: z.number().optional(),
  retryTimeoutInMilliseconds: z.number().optional(),
});
export type RetryOptionsWire = z.infer<typeof retryOptionsSchema>;

/** One action as the SDK serialises it; compound actions nest their children. */
export interface ActionWire {
  actionType: number;
  functionName?: string;
  input?: unknown;
  retryOptions?: RetryOptionsWire;
  instanceId?: string;
  fireAt?: string;
  isCanceled?: boolean;
  externalEventName?: string;
  operation?: string;
  compoundActions?: ActionWire[];
}

export const actionSchema: z.ZodType<ActionWire> = z.lazy(() =>
  z.looseObject({
    actionType: z.number(),
    functionName: z.string().optional(),
    input: z.unknown().optional(),
    retryOptions: retryOptionsSchema.optional(),
    instanceId: z.string().optional(),
    fireAt: z.string().optional(),
    isCanceled: z.boolean().optional(),
    externalEventName: z.string().optional(),
    operation: z.string().optional(),
    compoundActions: z.array(actionSchema).optional(),
  }),
);

/** `OrchestratorState` (`DF/orchestrations/OrchestratorState.js`) after a JSON round trip. */
export const orchestratorStateSchema = z.object({
  isDone: z.boolean(),
  actions: z.array(z.array(actionSchema)),
  output: z.unknown().optional(),
  error: z.string().optional(),
  customStatus: z.unknown().optional(),
  schemaVersion: z.number(),
  failureDetails: z.unknown().optional(),
});
export type OrchestratorStateWire = z.infer<typeof orchestratorStateSchema>;

/** `EntityState` (`DF/entities/EntityState.js`) after a JSON round trip. */
export const entityStateSchema = z.object({
  entityExists: z.boolean(),
  entityState: z.string().optional(),
  results: z.array(
    z.object({ isError: z.boolean(), result: z.string().optional(), duration: z.number().optional() }),
  ),
  signals: z.array(
    z.object({
      target: z.object({ name: z.string(), key: z.string() }),
      name: z.string(),
      input: z.string().optional(),
    }),
  ),
});
export type EntityStateWire = z.infer<typeof entityStateSchema>;

/** Runtime status values as Azure reports them. */
export type RuntimeStatus = 'Pending' | 'Running' | 'Completed' | 'Failed' | 'Terminated';
export const TERMINAL: ReadonlySet<RuntimeStatus> = new Set(['Completed', 'Failed', 'Terminated']);

/** The scheduler id of an entity: the SDK lower-cases the name (`@name@key`). */
export function schedulerId(name: string, key: string): string {
  return `@${name.toLowerCase()}@${key}`;
}

export function parseSchedulerId(id: string): { name: string; key: string } {
  const match = /^@([^@]*)@(.*)$/s.exec(id);
  if (!match) throw new Error(`not an entity scheduler id: ${id}`);
  return { name: match[1] ?? '', key: match[2] ?? '' };
}
