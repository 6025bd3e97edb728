import { ev } from './history';
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
): EpisodeDecision {
  const output = JSON.stringify(`Orchestrator function '${base.name}' failed: ${message}`);
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

/**
 * Folds an episode's outcome into the instance: appends the scheduling events and OrchestratorCompleted,
 * turns new actions into effects, and decides the status. A failure, an unsupported action or a task-id
 * mismatch with the SDK ends the instance as Failed (a silent mismatch would hang it forever).
 */
export function decideEpisode(
  record: InstanceRecord,
  history: HistoryEvent[],
  completion: Plan,
  outcome: EpisodeOutcome,
  ctx: PlanContext,
): EpisodeDecision {
  const at = ctx.nowMs;
  const base: InstanceRecord = {
    ...record,
    updatedAt: at,
    version: record.version + 1,
    planner: completion.state,
  };
  const withCompletion = [...history, ...completion.events];
  if (outcome.kind === 'failed')
    return failed(base, withCompletion, outcome.message, at, json(outcome.customStatus));

  const plan = planActions(completion.state, outcome.actions, ctx);
  const effects = [...completion.effects, ...plan.effects];
  const events = [...withCompletion, ...plan.events];
  const unsupported = effects.find((e) => e.type === 'unsupported');
  if (unsupported) return failed(base, events, unsupported.reason, at);
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
    customStatus: json(outcome.state.customStatus),
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
