import { InvocationContext } from '@azure/functions';
import { currentRegistry } from '../../local/functionsCore';

/**
 * Drives a registered orchestrator through durable-functions' own replay code with real history events
 * (shared/notes/durable-local-host §3, §6): each episode replays the whole history, and the harness
 * answers exactly the tasks the SDK reports as open, one completion per episode, as the host does.
 */
type Event = Record<string, unknown> & {
  EventType: number;
  EventId: number;
  IsPlayed: boolean;
  Timestamp: string;
};

const T = {
  ExecutionStarted: 0,
  TaskScheduled: 4,
  TaskCompleted: 5,
  TaskFailed: 6,
  TimerCreated: 10,
  TimerFired: 11,
  OrchestratorStarted: 12,
  OrchestratorCompleted: 13,
  EventSent: 14,
  EventRaised: 15,
};

export interface OrchestratorState {
  isDone: boolean;
  actions: unknown[][];
  output?: unknown;
  customStatus?: unknown;
  error?: string;
}

interface OpenTask {
  id: number;
  kind: 'ACTIVITY' | 'TIMER' | 'ENTITY' | 'RETRY_TIMER';
  name?: string;
  input?: unknown;
  fireAt?: Date;
  operation?: string;
}

export interface Responders {
  /** Returns the activity's result, or throws to fail it. */
  activity(name: string, input: unknown): unknown;
  /** The entity operation's result (the value an orchestrator's callEntity receives). */
  entity(operation: string, input: unknown): unknown;
}

export interface Trace {
  episodes: number;
  timersFired: Date[];
  activities: { name: string; input: unknown; failed: boolean }[];
  entityCalls: { operation: string; input: unknown }[];
  statuses: unknown[];
}

export class OrchestrationHarness {
  readonly history: Event[] = [];
  readonly trace: Trace = { episodes: 0, timersFired: [], activities: [], entityCalls: [], statuses: [] };
  private now: Date;
  private guid = 0;

  constructor(
    private readonly name: string,
    private readonly instanceId: string,
    private readonly input: unknown,
    start: Date,
  ) {
    this.now = start;
    this.push({ EventType: T.OrchestratorStarted, EventId: -1 });
    this.push({ EventType: T.ExecutionStarted, EventId: -1, Name: name, Input: JSON.stringify(input) });
  }

  private push(event: Omit<Event, 'IsPlayed' | 'Timestamp'>): void {
    this.history.push({ IsPlayed: false, Timestamp: this.now.toISOString(), ...event } as Event);
  }

  /** Runs one episode over the history so far: the state and the tasks the SDK is waiting on. */
  async episode(): Promise<{ state: OrchestratorState; open: OpenTask[] }> {
    const registered = currentRegistry().find(this.name, 'orchestrationTrigger');
    if (!registered) throw new Error(`orchestrator ${this.name} is not registered`);
    const context = new InvocationContext({
      invocationId: `ep-${this.trace.episodes}`,
      functionName: this.name,
    });
    const trigger = {
      history: structuredClone(this.history),
      input: this.input,
      instanceId: this.instanceId,
      isReplaying: false,
      parentInstanceId: undefined,
      upperSchemaVersion: 2,
      upperSchemaVersionNew: 3,
      longRunningTimerIntervalDuration: '3.00:00:00',
      maximumShortTimerDuration: '6.00:00:00',
      defaultHttpAsyncRequestSleepTimeMillseconds: 30_000,
    };
    this.trace.episodes += 1;
    let state: OrchestratorState;
    try {
      state = (await registered.handler(trigger, context)) as OrchestratorState;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const marker = message.indexOf('$OutOfProcData$:');
      if (marker < 0) throw error;
      state = JSON.parse(message.slice(marker + '$OutOfProcData$:'.length)) as OrchestratorState;
    }
    this.trace.statuses.push(state.customStatus);
    this.push({ EventType: T.OrchestratorCompleted, EventId: -1 });
    return { state, open: state.isDone ? [] : openTasks(context) };
  }

  /** Answers open tasks until the orchestration finishes or `maxEpisodes` is reached. */
  async run(responders: Responders, maxEpisodes = 100): Promise<OrchestratorState> {
    for (let i = 0; i < maxEpisodes; i++) {
      const { state, open } = await this.episode();
      if (state.isDone) return state;
      const task = open[0];
      if (!task)
        throw new Error(
          `orchestration is waiting on nothing the harness can answer (episode ${this.trace.episodes})`,
        );
      this.answer(task, responders);
    }
    throw new Error(`orchestration did not finish within ${maxEpisodes} episodes`);
  }

  private answer(task: OpenTask, responders: Responders): void {
    switch (task.kind) {
      case 'TIMER':
      case 'RETRY_TIMER': {
        const fireAt = task.fireAt ?? new Date(this.now.getTime() + 1_000);
        this.push({ EventType: T.TimerCreated, EventId: task.id, FireAt: fireAt.toISOString() });
        if (fireAt > this.now) this.now = fireAt;
        this.push({ EventType: T.OrchestratorStarted, EventId: -1 });
        this.push({ EventType: T.TimerFired, EventId: -1, TimerId: task.id, FireAt: fireAt.toISOString() });
        this.trace.timersFired.push(fireAt);
        return;
      }
      case 'ACTIVITY': {
        this.push({ EventType: T.TaskScheduled, EventId: task.id, Name: task.name });
        this.now = new Date(this.now.getTime() + 1_000);
        this.push({ EventType: T.OrchestratorStarted, EventId: -1 });
        try {
          const result = responders.activity(task.name ?? '', task.input);
          this.trace.activities.push({ name: task.name ?? '', input: task.input, failed: false });
          this.push({
            EventType: T.TaskCompleted,
            EventId: -1,
            TaskScheduledId: task.id,
            Result: JSON.stringify(result ?? null),
          });
        } catch (error) {
          this.trace.activities.push({ name: task.name ?? '', input: task.input, failed: true });
          const message = error instanceof Error ? error.message : String(error);
          this.push({
            EventType: T.TaskFailed,
            EventId: -1,
            TaskScheduledId: task.id,
            Reason: message,
            Details: 'stack',
          });
        }
        return;
      }
      case 'ENTITY': {
        const requestId = `req-${++this.guid}`;
        this.push({
          EventType: T.EventSent,
          EventId: task.id,
          InstanceId: `@member@x`,
          Name: 'op',
          Input: JSON.stringify({
            id: requestId,
            op: task.operation,
            signal: false,
            input: JSON.stringify(task.input),
          }),
        });
        this.now = new Date(this.now.getTime() + 1_000);
        this.push({ EventType: T.OrchestratorStarted, EventId: -1 });
        this.trace.entityCalls.push({ operation: task.operation ?? '', input: task.input });
        const result = responders.entity(task.operation ?? '', task.input);
        this.push({
          EventType: T.EventRaised,
          EventId: -1,
          Name: requestId,
          Input: JSON.stringify({ result: JSON.stringify(result) }),
        });
        return;
      }
      default: {
        const unreachable: never = task.kind;
        throw new Error(`unknown task kind ${String(unreachable)}`);
      }
    }
  }

  get currentTime(): Date {
    return this.now;
  }
}

interface SdkTask {
  actionObj?: unknown;
  parent?: { isWaitingOnTimer?: boolean; innerTask?: { actionObj?: unknown } };
}

/** Reads the SDK executor's open tasks (internal, verified in shared/notes exp3e.js). */
function openTasks(context: InvocationContext): OpenTask[] {
  const executor = (
    context as unknown as { df: { taskOrchestratorExecutor: { openTasks: Record<string, SdkTask> } } }
  ).df.taskOrchestratorExecutor;
  return Object.entries(executor.openTasks)
    .map(([key, task]) => describeTask(Number(key), task))
    .sort((a, b) => a.id - b.id);
}

function describeTask(id: number, task: SdkTask): OpenTask {
  const action = (task.actionObj ?? {}) as Record<string, unknown>;
  if (task.actionObj === undefined || typeof task.actionObj === 'string') {
    if (task.parent?.isWaitingOnTimer) return { id, kind: 'RETRY_TIMER' };
    const inner = (task.parent?.innerTask?.actionObj ?? {}) as Record<string, unknown>;
    return { id, kind: 'ACTIVITY', name: String(inner.functionName), input: decode(inner.input) };
  }
  switch (action.actionType) {
    case 0:
    case 1:
      return { id, kind: 'ACTIVITY', name: String(action.functionName), input: decode(action.input) };
    case 5:
      return { id, kind: 'TIMER', fireAt: new Date(String(action.fireAt)) };
    case 7:
      return { id, kind: 'ENTITY', operation: String(action.operation), input: action.input };
    default:
      throw new Error(`open task ${id} has an action the harness does not answer: ${JSON.stringify(action)}`);
  }
}

function decode(input: unknown): unknown {
  if (typeof input !== 'string') return input;
  try {
    return JSON.parse(input);
  } catch {
    return input;
  }
}
