import type { InvocationContext } from '@azure/functions';
import { timeSpan, type TimerSettings } from './longTimer';
import { sdkSequenceNumber } from '../interceptions';
import { flattenActions } from './planner';
import {
  actionSchema,
  orchestratorStateSchema,
  type ActionWire,
  type HistoryEvent,
  type OrchestratorStateWire,
} from './wire';

export interface OrchestratorTriggerArgs {
  history: HistoryEvent[];
  input: unknown;
  instanceId: string;
  parentInstanceId: string | null;
  timers: TimerSettings;
}

/** What one orchestrator episode produced. */
export type EpisodeOutcome =
  | { kind: 'ok'; state: OrchestratorStateWire; actions: ActionWire[]; sdkNextId: number | undefined }
  | { kind: 'failed'; message: string; customStatus?: unknown };

const OUT_OF_PROC = '\n\n$OutOfProcData$:';

/**
 * The trigger input of README §3: own properties `history`, `instanceId`, `isReplaying`,
 * `upperSchemaVersion` are required; schema numbers 2/3 select ReplaySchema V4; the history is cloned
 * because the SDK replaces every `Timestamp` with a Date in place.
 */
export function orchestrationTrigger(args: OrchestratorTriggerArgs): Record<string, unknown> {
  return {
    history: JSON.parse(JSON.stringify(args.history)) as unknown,
    input: args.input,
    instanceId: args.instanceId,
    isReplaying: false,
    parentInstanceId: args.parentInstanceId,
    upperSchemaVersion: 2,
    upperSchemaVersionNew: 3,
    longRunningTimerIntervalDuration: timeSpan(args.timers.intervalMs),
    maximumShortTimerDuration: timeSpan(args.timers.maxShortMs),
    defaultHttpAsyncRequestSleepTimeMillseconds: 30_000,
  };
}

function failureFrom(error: unknown): EpisodeOutcome {
  const message = error instanceof Error ? error.message : String(error);
  const at = message.indexOf(OUT_OF_PROC);
  if (at < 0) return { kind: 'failed', message };
  const parsed = orchestratorStateSchema
    .partial()
    .safeParse(JSON.parse(message.slice(at + OUT_OF_PROC.length)));
  if (!parsed.success) return { kind: 'failed', message };
  return {
    kind: 'failed',
    message: parsed.data.error ?? message.slice(0, at),
    customStatus: parsed.data.customStatus,
  };
}

/** Runs one episode through the registered handler and validates what comes back. */
export async function callOrchestrator(
  handler: (...args: unknown[]) => unknown,
  trigger: Record<string, unknown>,
  context: InvocationContext,
): Promise<EpisodeOutcome> {
  let raw: unknown;
  try {
    raw = await handler(trigger, context);
  } catch (error) {
    return failureFrom(error);
  }
  const rawActions = (raw as { actions?: unknown } | null)?.actions;
  // Flatten before the JSON round trip: duplicates are recognised by object identity.
  const actions = flattenActions(Array.isArray(rawActions) ? rawActions : []).map((a) =>
    actionSchema.parse(JSON.parse(JSON.stringify(a))),
  );
  const state = orchestratorStateSchema.parse(JSON.parse(JSON.stringify(raw)));
  return { kind: 'ok', state, actions, sdkNextId: sdkSequenceNumber(context) };
}
