import { errorText, type EngineCore } from './core';
import { ev } from './history';
import { invocationContextFor } from './invocation';
import type { QueuedActivity } from './store';
import { TERMINAL, type HistoryEvent } from './wire';

/** The Functions host's FunctionTimeoutException for `functionTimeout` (host.json). */
export class FunctionTimeoutError extends Error {
  constructor(functionName: string, timeoutMs: number) {
    super(`Timeout value of ${timeSpanText(timeoutMs)} was exceeded by function: Functions.${functionName}`);
    this.name = 'FunctionTimeoutException';
  }
}

const pad = (n: number): string => String(n).padStart(2, '0');
/** .NET's TimeSpan.ToString(): `hh:mm:ss` and, when there are any, seven digits of fraction. */
const timeSpanText = (ms: number): string => {
  const s = Math.floor(ms / 1000);
  const fraction = ms % 1000 === 0 ? '' : `.${String((ms % 1000) * 10_000).padStart(7, '0')}`;
  return `${pad(Math.floor(s / 3600))}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}${fraction}`;
};

/**
 * Runs the handler under the host's `functionTimeout` (wall time, as the host measures it). On a timeout
 * the activity fails; the handler cannot be stopped here (Azure restarts the worker process).
 */
function withTimeout<T>(work: Promise<T>, functionName: string, timeoutMs: number | null): Promise<T> {
  if (timeoutMs === null) return work;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new FunctionTimeoutError(functionName, timeoutMs)), timeoutMs);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

async function execute(core: EngineCore, item: QueuedActivity): Promise<HistoryEvent> {
  const fn = core.registry.find(item.name, 'activityTrigger');
  try {
    if (!fn) throw new Error(`activity function '${item.name}' is not registered`);
    const run = Promise.resolve(fn.handler(item.input, invocationContextFor(fn, core.log, core.clientData)));
    const value: unknown = await withTimeout(run, item.name, core.limits.functionTimeoutMs);
    return ev.taskCompleted(core.clock.now(), item.taskId, value);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return ev.taskFailed(
      core.clock.now(),
      item.taskId,
      `Activity function '${item.name}' failed: ${message}`,
      errorText(error),
    );
  }
}

/**
 * Runs one activity and commits its completion (or failure) as an event for its orchestration, together
 * with the removal of the work item. A crash before that commit runs the activity again on restart:
 * at-least-once, as in Azure. Work of a finished or replaced execution is dropped without running.
 */
export async function runActivity(core: EngineCore, item: QueuedActivity): Promise<void> {
  const { store } = core;
  const record = store.getInstance(item.instanceId);
  if (!record || record.executionId !== item.executionId || TERMINAL.has(record.status)) {
    store.deleteActivity(item.seq);
    return;
  }
  const started = performance.now();
  const event = await execute(core, item);

  if (core.crashHere({ kind: 'activity', id: item.instanceId, name: item.name }) || core.halted()) return;
  store.tx(() => {
    if (!store.hasActivity(item.seq)) return;
    store.deleteActivity(item.seq);
    store.enqueueEvent(item.instanceId, item.executionId, event);
  });
  core.counters.add(item.instanceId, 'activities');
  const ms = (performance.now() - started).toFixed(1);
  const failed = typeof event.Reason === 'string' ? ` failed: ${event.Reason}` : '';
  core.log(`activity ${item.name} ${item.instanceId}#${item.taskId} ${ms}ms${failed}`);
}
