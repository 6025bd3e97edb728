import { signatureOf, type PlannedAction } from './determinism';
import { ev } from './history';
import { nextSubTimerMs, type TimerSettings } from './longTimer';
import { retryDelayMs } from './retryPolicy';
import { ActionType, EventType, type ActionWire, type HistoryEvent, type RetryOptionsWire } from './wire';

/** Progress of a retried call: `attempt` mirrors the SDK's `RetryableTask.attemptNumber` (1 = first try). */
export interface RetryTrack {
  options: RetryOptionsWire;
  attempt: number;
}

/** Work that a retry timer re-schedules. */
export type CallWork =
  | { kind: 'activity'; name: string; input: unknown; retry?: RetryTrack }
  | { kind: 'subOrchestration'; name: string; input: unknown; instanceId?: string; retry?: RetryTrack };

/** A task the SDK holds open under an id, as far as the engine must know to deliver its completion. */
export type OpenTask =
  | CallWork
  | { kind: 'timer'; fireAt: number; actionIndex: number; finalFireAt?: number }
  | { kind: 'retryTimer'; fireAt: number; work: CallWork }
  | { kind: 'entityCall'; requestId: string; target: string };

/**
 * The engine's mirror of the SDK's task-id counter. Invariant: `nextId` equals the SDK's
 * `sequenceNumber` after every episode (the engine checks this), `cursor` counts the flattened actions
 * already turned into work.
 */
export interface PlannerState {
  nextId: number;
  cursor: number;
  open: Record<string, OpenTask>;
  /** Every id-bearing action planned so far, in sequence order (absent in records from before the check). */
  planned?: PlannedAction[];
}

export const initialPlannerState = (): PlannerState => ({ nextId: 0, cursor: 0, open: {}, planned: [] });

/** An entity request as queued for an entity (`input` is JSON text, as the SDK's batch expects). */
export interface EntityMessage {
  requestId: string;
  op: string;
  input?: string;
  signal: boolean;
  parent?: { instanceId: string; executionId: string };
  /** The orchestration or entity that sent it; absent for client signals (they skip Azure's MessageSorter). */
  sender?: string;
  /** A second delivery of a client signal (adversarial delivery); never duplicated again. */
  redelivered?: boolean;
}

/** A side effect the engine performs when it commits the episode. */
export type Effect =
  | { type: 'activity'; taskId: number; name: string; input: unknown }
  | { type: 'timer'; timerId: number; fireAt: number }
  | { type: 'cancelTimer'; timerId: number }
  | { type: 'entity'; target: string; message: EntityMessage }
  | { type: 'subOrchestration'; taskId: number; name: string; instanceId: string; input: unknown }
  | { type: 'continueAsNew'; input: unknown }
  | { type: 'unsupported'; reason: string };

export interface PlanContext {
  nowMs: number;
  instanceId: string;
  executionId: string;
  timers: TimerSettings;
  newGuid: () => string;
}

export interface Plan {
  state: PlannerState;
  events: HistoryEvent[];
  effects: Effect[];
}

/** CallActivity and ContinueAsNew inputs arrive pre-encoded when they are strings (`Utils.processInput`). */
export function decodeProcessedInput(input: unknown): unknown {
  if (typeof input !== 'string') return input;
  try {
    return JSON.parse(input) as unknown;
  } catch {
    return input;
  }
}

function schedule(plan: Plan, work: CallWork, ctx: PlanContext): void {
  const id = plan.state.nextId++;
  plan.state.open[id] = work;
  if (work.kind === 'activity') {
    plan.events.push(ev.taskScheduled(ctx.nowMs, id, work.name, work.input));
    plan.effects.push({ type: 'activity', taskId: id, name: work.name, input: work.input });
  } else {
    const instanceId = work.instanceId ?? `${ctx.instanceId}:${id}`;
    plan.events.push(ev.subOrchestrationCreated(ctx.nowMs, id, work.name, instanceId, work.input));
    plan.effects.push({
      type: 'subOrchestration',
      taskId: id,
      name: work.name,
      instanceId,
      input: work.input,
    });
  }
}

function armTimer(plan: Plan, task: OpenTask & { fireAt: number }, nowMs: number): void {
  const id = plan.state.nextId++;
  plan.state.open[id] = task;
  plan.events.push(ev.timerCreated(nowMs, id, task.fireAt));
  plan.effects.push({ type: 'timer', timerId: id, fireAt: task.fireAt });
}

const cloneState = (state: PlannerState): PlannerState => ({
  ...state,
  open: { ...state.open },
  ...(state.planned ? { planned: [...state.planned] } : {}),
});

/**
 * Ids the SDK allocates while it processes the one new completion `event`, before user code resumes:
 * a retry timer after a failed retried attempt, the re-attempt after that timer, the next sub-timer of
 * a long timer. Must run before `planActions` for the same episode.
 */
export function planCompletion(state: PlannerState, event: HistoryEvent, ctx: PlanContext): Plan {
  const plan: Plan = { state: cloneState(state), events: [], effects: [] };
  const open = plan.state.open;
  const take = (key: unknown): OpenTask | undefined => {
    if (typeof key !== 'number') return undefined;
    const task = open[key];
    delete open[key];
    return task;
  };
  switch (event.EventType) {
    case EventType.TaskCompleted:
    case EventType.SubOrchestrationInstanceCompleted:
      take(event.TaskScheduledId);
      break;
    case EventType.TaskFailed:
    case EventType.SubOrchestrationInstanceFailed: {
      const task = take(event.TaskScheduledId);
      if ((task?.kind === 'activity' || task?.kind === 'subOrchestration') && task.retry) {
        const { options, attempt } = task.retry;
        const work: CallWork = { ...task, retry: { options, attempt: attempt + 1 } };
        // After the last attempt DurableTask.Core's RetryInterceptor still creates a timer (kept for
        // replay compatibility) but one that fires at once: "Dummy timer for back-compat".
        const last = attempt >= options.maxNumberOfAttempts;
        const fireAt = last ? ctx.nowMs : ctx.nowMs + retryDelayMs(options, attempt);
        armTimer(plan, { kind: 'retryTimer', fireAt, work }, ctx.nowMs);
      }
      break;
    }
    case EventType.TimerFired: {
      const task = take(event.TimerId);
      if (task?.kind === 'timer' && task.finalFireAt !== undefined && task.finalFireAt > ctx.nowMs) {
        armTimer(
          plan,
          { ...task, fireAt: nextSubTimerMs(ctx.nowMs, task.finalFireAt, ctx.timers) },
          ctx.nowMs,
        );
      } else if (
        task?.kind === 'retryTimer' &&
        task.work.retry &&
        task.work.retry.attempt <= task.work.retry.options.maxNumberOfAttempts
      ) {
        schedule(plan, task.work, ctx);
      }
      break;
    }
    case EventType.EventRaised: {
      const key = Object.keys(open).find((k) => {
        const task = open[k];
        return task?.kind === 'entityCall' && task.requestId === event.Name;
      });
      if (key !== undefined) delete open[key];
      break;
    }
    default:
      break;
  }
  return plan;
}

function planAction(plan: Plan, action: ActionWire, index: number, ctx: PlanContext): void {
  const signature = signatureOf(action);
  // The action's own id is the next one, whatever kind it is (recorded for the determinism check).
  if (signature && plan.state.planned) plan.state.planned.push({ id: plan.state.nextId, ...signature });
  const retry = action.retryOptions ? { options: action.retryOptions, attempt: 1 } : undefined;
  switch (action.actionType) {
    case ActionType.CallActivity:
    case ActionType.CallActivityWithRetry:
      schedule(
        plan,
        {
          kind: 'activity',
          name: action.functionName ?? '',
          input: decodeProcessedInput(action.input),
          retry,
        },
        ctx,
      );
      return;
    case ActionType.CallSubOrchestrator:
    case ActionType.CallSubOrchestratorWithRetry:
      schedule(
        plan,
        {
          kind: 'subOrchestration',
          name: action.functionName ?? '',
          input: action.input,
          instanceId: action.instanceId,
          retry,
        },
        ctx,
      );
      return;
    case ActionType.CreateTimer: {
      const finalMs = Date.parse(action.fireAt ?? '');
      const long = finalMs - ctx.nowMs > ctx.timers.maxShortMs;
      const fireAt = long ? ctx.nowMs + ctx.timers.intervalMs : finalMs;
      armTimer(
        plan,
        { kind: 'timer', fireAt, actionIndex: index, ...(long ? { finalFireAt: finalMs } : {}) },
        ctx.nowMs,
      );
      return;
    }
    case ActionType.CallEntity:
    case ActionType.SignalEntity: {
      const id = plan.state.nextId++;
      const signal = action.actionType === ActionType.SignalEntity;
      const target = action.instanceId ?? '';
      const requestId = ctx.newGuid();
      const input = action.input === undefined ? undefined : JSON.stringify(action.input);
      const request = { id: requestId, op: action.operation ?? '', signal, input, parent: ctx.instanceId };
      plan.events.push(ev.eventSent(ctx.nowMs, id, target, JSON.stringify(request)));
      const parent = signal ? undefined : { instanceId: ctx.instanceId, executionId: ctx.executionId };
      plan.effects.push({
        type: 'entity',
        target,
        message: { requestId, op: request.op, input, signal, parent, sender: ctx.instanceId },
      });
      if (!signal) plan.state.open[id] = { kind: 'entityCall', requestId, target };
      return;
    }
    case ActionType.ContinueAsNew:
      plan.effects.push({ type: 'continueAsNew', input: decodeProcessedInput(action.input) });
      return;
    case ActionType.WaitForExternalEvent:
      return;
    default:
      plan.effects.push({
        type: 'unsupported',
        reason: `action type ${action.actionType} is not supported by the local durable engine`,
      });
  }
}

/**
 * Turns the actions not seen before (`flat` past `state.cursor`, depth-first, duplicates removed) into
 * ids, scheduling events and effects, in the SDK's id order; cancels timers whose action is now cancelled.
 */
export function planActions(state: PlannerState, flat: ActionWire[], ctx: PlanContext): Plan {
  const plan: Plan = { state: cloneState(state), events: [], effects: [] };
  for (let index = state.cursor; index < flat.length; index++) {
    const action = flat[index];
    if (action) planAction(plan, action, index, ctx);
  }
  plan.state.cursor = flat.length;
  for (const [key, task] of Object.entries(plan.state.open)) {
    if (task.kind === 'timer' && flat[task.actionIndex]?.isCanceled) {
      delete plan.state.open[key];
      plan.effects.push({ type: 'cancelTimer', timerId: Number(key) });
    }
  }
  return plan;
}

/**
 * Flattens `OrchestratorState.actions` (schema V2+: one list, compound actions nested) depth-first.
 * The same action object appears again when an already scheduled task is re-used in Task.all/any; the
 * SDK gives it no new id, so duplicates are dropped by identity (call this before any JSON round trip).
 */
export function flattenActions(actions: readonly unknown[]): unknown[] {
  const seen = new Set<unknown>();
  const out: unknown[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (typeof node !== 'object' || node === null) return;
    const compound = (node as { compoundActions?: unknown }).compoundActions;
    if (Array.isArray(compound)) return compound.forEach(walk);
    if (seen.has(node)) return;
    seen.add(node);
    out.push(node);
  };
  walk(actions);
  return out;
}
