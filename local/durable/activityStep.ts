import { errorText, type EngineCore } from './core';
import { ev } from './history';
import { invocationContextFor } from './invocation';
import type { QueuedActivity } from './store';
import { TERMINAL, type HistoryEvent } from './wire';

async function execute(core: EngineCore, item: QueuedActivity): Promise<HistoryEvent> {
  const fn = core.registry.find(item.name, 'activityTrigger');
  try {
    if (!fn) throw new Error(`activity function '${item.name}' is not registered`);
    const value: unknown = await fn.handler(item.input, invocationContextFor(fn, core.log, core.clientData));
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
