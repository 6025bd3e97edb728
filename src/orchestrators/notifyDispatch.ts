import * as df from 'durable-functions';
import type { OrchestrationContext, OrchestrationHandler, Task } from 'durable-functions';
import { z } from 'zod';
import { NOTIFY_DISPATCH_ORCHESTRATOR, NOTIFY_DRAIN_ACTIVITY } from '../durableNames';
import { callActivity, contract, orchestrator } from './durableCalls';

export const notifyDrainInputSchema = z.object({ shard: z.string().regex(/^shard-\d{2}$/) });
export type NotifyDrainInput = z.infer<typeof notifyDrainInputSchema>;

export const drainReportSchema = z.object({
  shard: z.string(),
  /** Members the shard's index named when the pass read it (including those beyond this pass). */
  members: z.number().int().nonnegative(),
  published: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
});
export type DrainReport = z.infer<typeof drainReportSchema>;

/** The activity `notifyDrainShard`: one pass over the shard (src/functions/notifyDispatcher.ts). */
export const NOTIFY_DRAIN_CONTRACT = contract(
  NOTIFY_DRAIN_ACTIVITY,
  notifyDrainInputSchema,
  drainReportSchema,
);

/** What a dispatch ends with; nothing for an execution that continued as new. */
export const dispatchResultSchema = z
  .object({ passes: z.number().int().positive(), published: z.number().int().nonnegative() })
  .optional();
export type DispatchResult = z.infer<typeof dispatchResultSchema>;

/** The orchestrator `notifyDispatch`, one instance per shard (`notifyDispatchInstanceId`). */
export const NOTIFY_DISPATCH_CONTRACT = contract(
  NOTIFY_DISPATCH_ORCHESTRATOR,
  notifyDrainInputSchema,
  dispatchResultSchema,
);

/**
 * Lets the signals that woke the dispatch reach the member entity and the shard first (a wake is sent
 * right after the member's signal, which the entity has not necessarily processed yet), and lets one pass
 * carry the notifications of many wakes.
 */
export const NOTIFY_SETTLE_MS = 2_000;

/** A pass that published nothing because every member failed (the topic is down) doubles the wait, up to this. */
export const NOTIFY_MAX_BACKOFF_MS = 300_000;

/** Passes per execution before continueAsNew keeps the history small on a busy night. */
export const MAX_PASSES_PER_EXECUTION = 50;

/**
 * `notifyDispatch:shard-NN`: started by the functions that signal members (`wakeDispatch`), never by a
 * clock. Drains its shard pass by pass and finishes after a pass that found the shard empty, so a wake
 * that found it running is served by the passes still to come. The sequence of yields is a contract with
 * running instances (tests/fixtures/durable-histories): change it under a new name.
 */
function* run(
  context: OrchestrationContext,
  input: NotifyDrainInput,
): Generator<Task, DispatchResult, unknown> {
  let published = 0;
  let stalls = 0;
  for (let pass = 1; ; pass++) {
    const wait = Math.min(NOTIFY_SETTLE_MS * 2 ** stalls, NOTIFY_MAX_BACKOFF_MS);
    yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + wait));
    const report = yield* callActivity(context, NOTIFY_DRAIN_CONTRACT, input);
    published += report.published;
    if (report.members === 0) return { passes: pass, published };
    stalls = report.published === 0 && report.failed > 0 ? stalls + 1 : 0;
    if (pass >= MAX_PASSES_PER_EXECUTION) {
      context.df.continueAsNew(input);
      return undefined;
    }
  }
}

export const notifyDispatch: OrchestrationHandler = orchestrator(NOTIFY_DISPATCH_CONTRACT, run);

df.app.orchestration(NOTIFY_DISPATCH_CONTRACT.name, notifyDispatch);
