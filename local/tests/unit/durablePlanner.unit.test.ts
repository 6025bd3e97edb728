import { ev } from '../../durable/history';
import { AZURE_STORAGE_TIMERS, nextSubTimerMs, timeSpan } from '../../durable/longTimer';
import {
  flattenActions,
  initialPlannerState,
  planActions,
  planCompletion,
  type PlanContext,
} from '../../durable/planner';
import { retryDelayMs } from '../../durable/retryPolicy';
import { ActionType, type ActionWire } from '../../durable/wire';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 1);
const ctx = (nowMs: number): PlanContext => ({
  nowMs,
  instanceId: 'i',
  executionId: 'e',
  timers: AZURE_STORAGE_TIMERS,
  newGuid: () => 'guid',
});
const retryCall: ActionWire = {
  actionType: ActionType.CallActivityWithRetry,
  functionName: 'flaky',
  input: '"x"',
  retryOptions: { firstRetryIntervalInMilliseconds: 1000, maxNumberOfAttempts: 2, backoffCoefficient: 3 },
};

describe('retry policy (DurableTask.Core RetryInterceptor)', () => {
  it('grows the delay by the backoff coefficient per failed attempt and caps it', () => {
    const options = {
      firstRetryIntervalInMilliseconds: 1000,
      maxNumberOfAttempts: 9,
      backoffCoefficient: 2,
      maxRetryIntervalInMilliseconds: 5000,
    };
    expect([1, 2, 3, 4].map((attempt) => retryDelayMs(options, attempt))).toEqual([1000, 2000, 4000, 5000]);
    expect(retryDelayMs({ firstRetryIntervalInMilliseconds: 700, maxNumberOfAttempts: 3 }, 3)).toBe(700);
  });
});

describe('long timers (SDK LongTimerTask)', () => {
  it('steps by the interval while more than the short limit remains, then jumps to the final time', () => {
    expect(nextSubTimerMs(T0, T0 + 36 * DAY, AZURE_STORAGE_TIMERS)).toBe(T0 + 3 * DAY);
    expect(nextSubTimerMs(T0 + 30 * DAY, T0 + 36 * DAY, AZURE_STORAGE_TIMERS)).toBe(T0 + 36 * DAY);
    expect(timeSpan(6 * DAY)).toBe('6.00:00:00');
    expect(timeSpan(DAY + 3_723_000)).toBe('1.01:02:03');
  });
});

describe('planner: task ids as the SDK allocates them', () => {
  it('gives a retried call a timer id after each failure and a new id per re-attempt, then stops at the limit', () => {
    const scheduled = planActions(initialPlannerState(), [retryCall], ctx(T0));
    expect(scheduled.effects).toEqual([{ type: 'activity', taskId: 0, name: 'flaky', input: 'x' }]);

    const failed = planCompletion(scheduled.state, ev.taskFailed(T0, 0, 'r', 'd'), ctx(T0));
    expect(failed.effects).toEqual([{ type: 'timer', timerId: 1, fireAt: T0 + 1000 }]);

    const retried = planCompletion(failed.state, ev.timerFired(T0 + 1000, 1, T0 + 1000), ctx(T0 + 1000));
    expect(retried.effects).toEqual([{ type: 'activity', taskId: 2, name: 'flaky', input: 'x' }]);

    const failedAgain = planCompletion(retried.state, ev.taskFailed(T0 + 1000, 2, 'r', 'd'), ctx(T0 + 1000));
    // The last attempt failed: RetryInterceptor's "Dummy timer for back-compat" is due at once.
    expect(failedAgain.effects).toEqual([{ type: 'timer', timerId: 3, fireAt: T0 + 1000 }]);

    const exhausted = planCompletion(
      failedAgain.state,
      ev.timerFired(T0 + 1000, 3, T0 + 1000),
      ctx(T0 + 1000),
    );
    expect(exhausted.effects).toEqual([]);
    expect(exhausted.state.nextId).toBe(4);
  });

  it('splits a long timer into sub-timers, each taking the next id', () => {
    const timer: ActionWire = {
      actionType: ActionType.CreateTimer,
      fireAt: new Date(T0 + 8 * DAY).toISOString(),
      isCanceled: false,
    };
    let plan = planActions(initialPlannerState(), [timer], ctx(T0));
    const fired: Array<[number, number]> = [];
    let now = T0;
    for (;;) {
      const effect = plan.effects.find((e) => e.type === 'timer');
      if (!effect || effect.type !== 'timer') break;
      fired.push([effect.timerId, (effect.fireAt - T0) / DAY]);
      now = effect.fireAt;
      plan = planCompletion(plan.state, ev.timerFired(now, effect.timerId, effect.fireAt), ctx(now));
    }
    expect(fired).toEqual([
      [0, 3],
      [1, 8],
    ]);
  });

  it('numbers signals, calls and timers in action order, skips waits, and cancels a cancelled timer', () => {
    const timer: ActionWire = {
      actionType: ActionType.CreateTimer,
      fireAt: new Date(T0 + DAY).toISOString(),
      isCanceled: false,
    };
    const actions: ActionWire[] = [
      { actionType: ActionType.SignalEntity, instanceId: '@box@1', operation: 'put', input: 1 },
      { actionType: ActionType.WaitForExternalEvent, externalEventName: 'Go' },
      timer,
      { actionType: ActionType.CallEntity, instanceId: '@box@1', operation: 'get' },
    ];
    const first = planActions(initialPlannerState(), actions, ctx(T0));
    expect(first.events.map((e) => [e.EventType, e.EventId])).toEqual([
      [14, 0],
      [10, 1],
      [14, 2],
    ]);
    expect(first.state).toMatchObject({ nextId: 3, cursor: 4 });

    const cancelled = planActions(
      first.state,
      [actions[0]!, actions[1]!, { ...timer, isCanceled: true }, actions[3]!],
      ctx(T0),
    );
    expect(cancelled.effects).toEqual([{ type: 'cancelTimer', timerId: 1 }]);
  });

  it('flattens nested compound actions depth-first and drops a re-used action object', () => {
    const a = { actionType: ActionType.CallActivity, functionName: 'a' };
    const b = { actionType: ActionType.CallActivity, functionName: 'b' };
    const nested = [
      [
        a,
        {
          actionType: ActionType.WhenAny,
          compoundActions: [{ actionType: ActionType.WhenAll, compoundActions: [b, a] }],
        },
      ],
    ];
    expect(flattenActions(nested)).toEqual([a, b]);
  });
});
