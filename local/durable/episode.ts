import { checkReplay, nonDeterministicText } from './determinism';
import { ev } from './history';
import { payloadTooLargeText, tooManyActionsText, utf16Kb, type EngineLimits } from './limits';
import type { EpisodeOutcome } from './orchestratorCall';
import { planActions, type Effect, type Plan, type PlanContext } from './planner';
import type { InstanceRecord } from './store';
import { EventType, type HistoryEvent } from './wire';

/** The new state of an instance after one episode, with the work to write and, for ContinueAsNew, the next input. */
export interface EpisodeDecision {
  record: InstanceRecord;
  effects: Effect[];
  continueAsNew?: { input: unknown };
}

/**
 * The episode's time: the clock, but never before the last OrchestratorStarted (the SDK's
 * `currentUtcDateTime` only moves forward) nor before a firing timer's time (long-timer splitting
 * compares against it).
 */
export function episodeTime(nowMs: number, history: readonly HistoryEvent[], event: HistoryEvent): number {
  let at = nowMs;
  for (let i = history.length - 1; i >= 0; i--) {
    const past = history[i];
    if (past?.EventType === EventType.OrchestratorStarted) {
      at = Math.max(at, Date.parse(past.Timestamp));
      break;
    }
  }
  if (event.EventType === EventType.TimerFired && typeof event.FireAt === 'string')
    at = Math.max(at, Date.parse(event.FireAt));
  return at;
}

const json = (value: unknown): string | null => (value === undefined ? null : JSON.stringify(value));

function failed(
  base: InstanceRecord,
  history: HistoryEvent[],
  message: string,
  at: number,
  customStatus?: string | null,
  raw = false,
): EpisodeDecision {
  const output = JSON.stringify(raw ? message : `Orchestrator function '${base.name}' failed: ${message}`);
  return {
    record: {
      ...base,
      status: 'Failed',
      output,
      customStatus: customStatus ?? base.customStatus,
      history: [...history, ev.orchestratorCompleted(at), ev.executionCompleted(at, 'Failed', output)],
    },
    effects: [],
  };
}

/** The custom status as the extension's SetCustomStatus stores it, or the error it throws. */
function customStatusOf(
  value: unknown,
  limits: EngineLimits,
): { json: string | null; error?: undefined } | { error: string } {
  const text = json(value);
  if (text === null) return { json: null };
  const kb = utf16Kb(text);
  return kb > limits.maxCustomStatusKb
    ? { error: payloadTooLargeText(limits.maxCustomStatusKb, kb) }
    : { json: text };
}

/**
 * Folds an episode's outcome into the instance: appends the scheduling events and OrchestratorCompleted,
 * turns new actions into effects, and decides the status. As on Azure, the instance ends as Failed when
 * the orchestrator threw, its custom status is over 16 KB, its replay does not match the history
 * (non-determinism), or it exceeds `maxOrchestrationActions`; also on an unsupported action or a task-id
 * mismatch with the SDK (a silent mismatch would hang it forever).
 */
export function decideEpisode(
  record: InstanceRecord,
  history: HistoryEvent[],
  completion: Plan,
  outcome: EpisodeOutcome,
  ctx: PlanContext,
  limits: EngineLimits,
): EpisodeDecision {
  const at = ctx.nowMs;
  const base: InstanceRecord = {
    ...record,
    updatedAt: at,
    version: record.version + 1,
    planner: completion.state,
  };
  const withCompletion = [...history, ...completion.events];
  // The out-of-process shim sets the custom status before it replays the actions (OutOfProcOrchestrationShim).
  const status = customStatusOf(
    outcome.kind === 'failed' ? outcome.customStatus : outcome.state.customStatus,
    limits,
  );
  if (status.error !== undefined) return failed(base, withCompletion, status.error, at);
  if (outcome.kind === 'failed') return failed(base, withCompletion, outcome.message, at, status.json);

  const nonDeterminism = checkReplay(completion.state.planned ?? [], outcome.actions);
  if (nonDeterminism !== undefined)
    return failed(base, withCompletion, nonDeterministicText(nonDeterminism), at, status.json, true);
  const plan = planActions(completion.state, outcome.actions, ctx);
  const effects = [...completion.effects, ...plan.effects];
  const events = [...withCompletion, ...plan.events];
  const unsupported = effects.find((e) => e.type === 'unsupported');
  if (unsupported) return failed(base, events, unsupported.reason, at);
  if ((plan.state.planned?.length ?? 0) > limits.maxOrchestrationActions)
    return failed(base, withCompletion, tooManyActionsText(limits.maxOrchestrationActions), at);
  if (outcome.sdkNextId !== undefined && outcome.sdkNextId !== plan.state.nextId) {
    return failed(
      base,
      events,
      `local durable engine: task ids diverged from the SDK (engine ${plan.state.nextId}, SDK ${outcome.sdkNextId})`,
      at,
    );
  }

  const next: InstanceRecord = {
    ...base,
    planner: plan.state,
    customStatus: status.json,
    history: [...events, ev.orchestratorCompleted(at)],
  };
  if (!outcome.state.isDone) return { record: { ...next, status: 'Running' }, effects };
  // A finished orchestrator's calls are moot, but its signals are still sent (fire-and-forget).
  const signals = effects.filter((e) => e.type === 'entity' && e.message.signal);
  const restart = effects.find((e) => e.type === 'continueAsNew');
  if (restart)
    return {
      record: { ...next, status: 'Running' },
      effects: signals,
      continueAsNew: { input: restart.input },
    };
  const output = JSON.stringify(outcome.state.output ?? null);
  return {
    record: {
      ...next,
      status: 'Completed',
      output,
      history: [...next.history, ev.executionCompleted(at, 'Completed', output)],
    },
    effects: signals,
  };
}
