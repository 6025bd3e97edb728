import type { OrchestrationContext, OrchestrationHandler, RetryOptions, Task } from 'durable-functions';
import * as df from 'durable-functions';
import { z } from 'zod';
import { MEMBER_ENTITY } from '../durableNames';

/**
 * A durable function's contract (issue 10.2): its name, its input schema and its output schema. The
 * callee parses its input with it; orchestrations call through the helpers below, which parse the result,
 * so a payload written by another version is validated like any other boundary.
 */
export interface DurableContract<I extends z.ZodType, O extends z.ZodType> {
  name: string;
  input: I;
  output: O;
}

export const contract = <I extends z.ZodType, O extends z.ZodType>(
  name: string,
  input: I,
  output: O,
): DurableContract<I, O> => ({ name, input, output });

/** An activity or entity operation without a result (its return value, if any, is not read). */
export const noResult = z.unknown().transform(() => undefined);

/** Calls an activity by its contract and parses its result (use with `yield*`). */
export function* callActivity<I extends z.ZodType, O extends z.ZodType>(
  context: OrchestrationContext,
  c: DurableContract<I, O>,
  input: z.input<I>,
  retry?: RetryOptions,
): Generator<Task, z.output<O>, unknown> {
  const task = retry
    ? context.df.callActivityWithRetry(c.name, retry, input)
    : input === undefined
      ? context.df.callActivity(c.name)
      : context.df.callActivity(c.name, input);
  return c.output.parse(yield task);
}

/**
 * Calls an activity once per input, all at once (`Task.all`, so one failure fails the batch), and parses
 * each result (use with `yield*`).
 */
export function* callActivities<I extends z.ZodType, O extends z.ZodType>(
  context: OrchestrationContext,
  c: DurableContract<I, O>,
  inputs: readonly z.input<I>[],
  retry: RetryOptions,
): Generator<Task, z.output<O>[], unknown> {
  const tasks = inputs.map((input) => context.df.callActivityWithRetry(c.name, retry, input));
  const results: unknown = yield context.df.Task.all(tasks);
  return z
    .array(z.unknown())
    .parse(results)
    .map((result) => c.output.parse(result));
}

/**
 * An orchestrator held to its contract: the body gets the input parsed by the contract's input schema (on
 * every replay, as the first thing it does) and must return what the output schema accepts. The body's
 * yields pass through unchanged, so wrapping an orchestrator this way does not change its history.
 */
export function orchestrator<I extends z.ZodType, O extends z.ZodType>(
  c: DurableContract<I, O>,
  body: (context: OrchestrationContext, input: z.output<I>) => Generator<Task, z.input<O>, unknown>,
): OrchestrationHandler {
  return function* (context: OrchestrationContext) {
    return yield* body(context, c.input.parse(context.df.getInput()));
  };
}

/** Calls an operation of the member entity by its contract and parses its result (use with `yield*`). */
export function* callMember<I extends z.ZodType, O extends z.ZodType>(
  context: OrchestrationContext,
  memberId: string,
  c: DurableContract<I, O>,
  input: z.input<I>,
): Generator<Task, z.output<O>, unknown> {
  return c.output.parse(yield context.df.callEntity(new df.EntityId(MEMBER_ENTITY, memberId), c.name, input));
}

/** Signals an operation of the member entity by its contract (one-way: no result). */
export function signalMember<I extends z.ZodType, O extends z.ZodType>(
  context: OrchestrationContext,
  memberId: string,
  c: DurableContract<I, O>,
  input: z.input<I>,
): void {
  context.df.signalEntity(new df.EntityId(MEMBER_ENTITY, memberId), c.name, input);
}
