import { randomUUID } from 'node:crypto';
import type { EngineCore } from './core';
import { ev } from './history';
import { initialPlannerState } from './planner';
import type { InstanceRecord, ParentRef } from './store';
import { TERMINAL } from './wire';

export interface NewExecution {
  instanceId: string;
  name: string;
  input: unknown;
  parent: ParentRef | null;
  status: 'Pending' | 'Running';
  createdAt?: number;
}

/**
 * Starts a new execution of an instance (fresh start, restart of a finished id, ContinueAsNew or a
 * sub-orchestration): new execution id, empty history, an ExecutionStarted event queued. Call inside a
 * transaction. Work of the previous execution is dropped; queued external events (no execution id)
 * stay and reach the new execution, as queued messages do in Azure.
 */
export function startExecution(core: EngineCore, start: NewExecution): InstanceRecord {
  const now = core.clock.now();
  const previous = core.store.getInstance(start.instanceId);
  const record: InstanceRecord = {
    instanceId: start.instanceId,
    executionId: randomUUID(),
    name: start.name,
    status: start.status,
    input: JSON.stringify(start.input ?? null),
    output: null,
    customStatus: null,
    createdAt: start.createdAt ?? now,
    updatedAt: now,
    history: [],
    planner: initialPlannerState(),
    parent: start.parent,
    version: (previous?.version ?? 0) + 1,
  };
  core.store.dropExecutionWork(start.instanceId);
  core.store.putInstance(record);
  core.store.enqueueEvent(
    record.instanceId,
    record.executionId,
    ev.executionStarted(now, start.name, start.input),
  );
  return record;
}

/** Tells the parent of a finished sub-orchestration how it ended. Call inside a transaction. */
export function notifyParent(core: EngineCore, record: InstanceRecord): void {
  const parent = record.parent;
  if (!parent || !TERMINAL.has(record.status)) return;
  const now = core.clock.now();
  const event =
    record.status === 'Completed'
      ? ev.subOrchestrationCompleted(now, parent.taskId, record.output ?? 'null')
      : ev.subOrchestrationFailed(
          now,
          parent.taskId,
          `Sub-orchestration '${record.name}' ${record.status === 'Failed' ? 'failed' : 'was terminated'}`,
          record.output ?? '',
        );
  core.store.enqueueEvent(parent.instanceId, parent.executionId, event);
}

/** Ends an execution for good: drops its queued work and informs a parent. Call inside a transaction. */
export function finishExecution(core: EngineCore, record: InstanceRecord): void {
  core.store.dropExecutionWork(record.instanceId);
  notifyParent(core, record);
}

/** Terminates a running instance; false when it has already finished. */
export function terminate(core: EngineCore, instanceId: string, reason: string): boolean {
  return core.store.tx(() => {
    const record = core.store.getInstance(instanceId);
    if (!record || TERMINAL.has(record.status)) return false;
    const now = core.clock.now();
    const ended: InstanceRecord = {
      ...record,
      status: 'Terminated',
      output: JSON.stringify(reason),
      updatedAt: now,
      history: [...record.history, ev.executionTerminated(now, reason)],
      version: record.version + 1,
    };
    core.store.putInstance(ended);
    core.store.deleteWorkOf(instanceId);
    notifyParent(core, ended);
    return true;
  });
}
