import { EventType, type HistoryEvent } from './wire';

export const iso = (ms: number): string => new Date(ms).toISOString();

/** Builds a history event; scheduling events pass their task id as `eventId`, the rest use -1 like the SDK fixtures. */
export function historyEvent(
  type: number,
  atMs: number,
  fields: Record<string, unknown> = {},
  eventId = -1,
): HistoryEvent {
  return { EventType: type, EventId: eventId, IsPlayed: false, Timestamp: iso(atMs), ...fields };
}

/** Pure constructors for the events the engine writes. */
export const ev = {
  orchestratorStarted: (at: number) => historyEvent(EventType.OrchestratorStarted, at),
  orchestratorCompleted: (at: number) => historyEvent(EventType.OrchestratorCompleted, at),
  executionStarted: (at: number, name: string, input: unknown) =>
    historyEvent(EventType.ExecutionStarted, at, { Name: name, Input: JSON.stringify(input ?? null) }),
  taskScheduled: (at: number, id: number, name: string, input: unknown) =>
    historyEvent(EventType.TaskScheduled, at, { Name: name, Input: JSON.stringify(input ?? null) }, id),
  taskCompleted: (at: number, id: number, result: unknown) =>
    historyEvent(EventType.TaskCompleted, at, {
      TaskScheduledId: id,
      Result: JSON.stringify(result ?? null),
    }),
  taskFailed: (at: number, id: number, reason: string, details: string) =>
    historyEvent(EventType.TaskFailed, at, { TaskScheduledId: id, Reason: reason, Details: details }),
  subOrchestrationCreated: (at: number, id: number, name: string, instanceId: string, input: unknown) =>
    historyEvent(
      EventType.SubOrchestrationInstanceCreated,
      at,
      { Name: name, InstanceId: instanceId, Input: JSON.stringify(input ?? null) },
      id,
    ),
  subOrchestrationCompleted: (at: number, id: number, resultJson: string) =>
    historyEvent(EventType.SubOrchestrationInstanceCompleted, at, {
      TaskScheduledId: id,
      Result: resultJson,
    }),
  subOrchestrationFailed: (at: number, id: number, reason: string, details: string) =>
    historyEvent(EventType.SubOrchestrationInstanceFailed, at, {
      TaskScheduledId: id,
      Reason: reason,
      Details: details,
    }),
  timerCreated: (at: number, id: number, fireAt: number) =>
    historyEvent(EventType.TimerCreated, at, { FireAt: iso(fireAt) }, id),
  timerFired: (at: number, id: number, fireAt: number) =>
    historyEvent(EventType.TimerFired, at, { TimerId: id, FireAt: iso(fireAt) }),
  eventSent: (at: number, id: number, target: string, inputJson: string) =>
    historyEvent(EventType.EventSent, at, { InstanceId: target, Name: 'op', Input: inputJson }, id),
  eventRaised: (at: number, name: string, inputJson: string | undefined) =>
    historyEvent(
      EventType.EventRaised,
      at,
      inputJson === undefined ? { Name: name } : { Name: name, Input: inputJson },
    ),
  executionCompleted: (at: number, status: string, resultJson: string) =>
    historyEvent(EventType.ExecutionCompleted, at, { OrchestrationStatus: status, Result: resultJson }),
  executionTerminated: (at: number, reason: string) =>
    historyEvent(EventType.ExecutionTerminated, at, { Input: JSON.stringify(reason) }),
};
