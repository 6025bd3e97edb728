import type { EngineCore } from './core';
import { startExecution } from './executions';
import { ev } from './history';
import type { Effect } from './planner';
import type { InstanceRecord, TimerRecord } from './store';
import { TERMINAL } from './wire';

/**
 * Writes the follow-up work of an episode (activities, timers, entity messages, child instances).
 * Call inside the episode's transaction; returns the timers to arm once it has committed.
 */
export function applyEffects(
  core: EngineCore,
  record: InstanceRecord,
  effects: readonly Effect[],
): TimerRecord[] {
  const { store } = core;
  const armed: TimerRecord[] = [];
  const scope = { instanceId: record.instanceId, executionId: record.executionId };
  for (const effect of effects) {
    switch (effect.type) {
      case 'activity':
        store.enqueueActivity({ ...scope, taskId: effect.taskId, name: effect.name, input: effect.input });
        break;
      case 'timer': {
        const timer = { ...scope, timerId: effect.timerId, fireAt: effect.fireAt };
        store.putTimer(timer);
        armed.push(timer);
        break;
      }
      case 'cancelTimer':
        store.deleteTimer({ ...scope, timerId: effect.timerId });
        break;
      case 'entity':
        store.enqueueEntityMessage(effect.target, effect.message);
        break;
      case 'subOrchestration': {
        const existing = store.getInstance(effect.instanceId);
        if (existing && !TERMINAL.has(existing.status)) {
          const reason = `An orchestration instance with the status ${existing.status} already exists: ${effect.instanceId}`;
          store.enqueueEvent(
            record.instanceId,
            record.executionId,
            ev.subOrchestrationFailed(core.clock.now(), effect.taskId, reason, ''),
          );
        } else {
          const parent = { ...scope, taskId: effect.taskId };
          startExecution(core, {
            instanceId: effect.instanceId,
            name: effect.name,
            input: effect.input,
            parent,
            status: 'Pending',
          });
        }
        break;
      }
      case 'continueAsNew':
      case 'unsupported':
        // Decided by the episode itself, never written as work.
        break;
      default: {
        const never: never = effect;
        throw new Error(`unknown effect ${JSON.stringify(never)}`);
      }
    }
  }
  return armed;
}
