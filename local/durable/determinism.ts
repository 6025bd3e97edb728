import { ActionType, type ActionWire } from './wire';

/**
 * What DurableTask.Core compares when it replays a scheduling event against the action the orchestrator
 * produced under the same sequence number (TaskOrchestrationContext.Handle*Event): the kind of action
 * (DTFx action class) and its name. Entity calls and signals are `SendEvent` actions named `op`.
 */
export interface ActionSignature {
  kind: 'activity' | 'timer' | 'subOrchestration' | 'sendEvent';
  name: string;
}

/** An id-bearing action as planned: its sequence number and signature. */
export interface PlannedAction extends ActionSignature {
  id: number;
}

/** The signature of an action that takes a sequence number; undefined for the ones that take none. */
export function signatureOf(action: ActionWire): ActionSignature | undefined {
  switch (action.actionType) {
    case ActionType.CallActivity:
    case ActionType.CallActivityWithRetry:
      return { kind: 'activity', name: action.functionName ?? '' };
    case ActionType.CallSubOrchestrator:
    case ActionType.CallSubOrchestratorWithRetry:
      return { kind: 'subOrchestration', name: action.functionName ?? '' };
    case ActionType.CreateTimer:
      return { kind: 'timer', name: '' };
    case ActionType.CallEntity:
    case ActionType.SignalEntity:
      return { kind: 'sendEvent', name: 'op' };
    default:
      return undefined;
  }
}

// DTFx names the action class it found in its messages.
const CLASS: Record<ActionSignature['kind'], string> = {
  activity: 'ScheduleTaskOrchestratorAction',
  timer: 'CreateTimerOrchestratorAction',
  subOrchestration: 'CreateSubOrchestrationAction',
  sendEvent: 'SendEventOrchestratorAction',
};
const DESCRIPTION: Record<ActionSignature['kind'], string> = {
  activity: 'an activity task',
  timer: 'a timer task',
  subOrchestration: 'a sub-orchestration task',
  sendEvent: 'a send event task',
};
const CHANGED = 'Was a change made to the orchestrator code after this instance had already started running?';

/** The exception text DurableTask.Core fails the orchestration with (NonDeterministicOrchestrationException). */
export const nonDeterministicText = (details: string): string =>
  `Non-Deterministic workflow detected: ${details}`;

function mismatch(previous: PlannedAction, current: ActionSignature | undefined): string | undefined {
  const named = previous.name === '' ? '' : ` named '${previous.name}'`;
  const what = `A previous execution of this orchestration scheduled ${DESCRIPTION[previous.kind]} with sequence number ${previous.id}${named}`;
  if (!current)
    return `${what}, but the current replay execution hasn't (yet?) scheduled this task. ${CHANGED}`;
  if (current.kind !== previous.kind)
    return `${what}, but the current orchestration replay instead produced a ${CLASS[current.kind]} action with this sequence number. ${CHANGED}`;
  // DTFx compares names with StringComparison.OrdinalIgnoreCase.
  if (current.name.toLowerCase() !== previous.name.toLowerCase())
    return `${what}, but the current orchestration replay instead scheduled ${DESCRIPTION[current.kind]} named '${current.name}' with this sequence number. ${CHANGED}`;
  return undefined;
}

/**
 * Compares the actions planned in earlier episodes with what this replay produced, in sequence order,
 * as DurableTask.Core does for every TaskScheduled / TimerCreated / SubOrchestrationInstanceCreated /
 * EventSent event in the history. Returns the NonDeterministicOrchestrationException details, or
 * undefined when the replay matches.
 */
export function checkReplay(
  planned: readonly PlannedAction[],
  flat: readonly ActionWire[],
): string | undefined {
  const current = flat.map(signatureOf).filter((s): s is ActionSignature => s !== undefined);
  for (let k = 0; k < planned.length; k++) {
    const previous = planned[k];
    const problem = previous && mismatch(previous, current[k]);
    if (problem) return problem;
  }
  return undefined;
}
