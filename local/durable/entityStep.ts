import { randomUUID } from 'node:crypto';
import { errorText, type EngineCore } from './core';
import { ev } from './history';
import { invocationContextFor } from './invocation';
import type { QueuedEntityMessage } from './store';
import { entityStateSchema, parseSchedulerId, schedulerId, type EntityStateWire } from './wire';

type BatchOutcome = { kind: 'ok'; state: EntityStateWire } | { kind: 'error'; message: string };

async function runBatch(
  core: EngineCore,
  entityId: string,
  messages: QueuedEntityMessage[],
): Promise<BatchOutcome> {
  const self = parseSchedulerId(entityId);
  const fn = core.registry.find(self.name, 'entityTrigger');
  if (!fn) return { kind: 'error', message: `entity function '${self.name}' is not registered` };
  const current = core.store.getEntity(entityId);
  const exists = current?.exists ?? false;
  const trigger = {
    self,
    exists,
    state: exists ? (current?.state ?? undefined) : undefined,
    batch: messages.map(({ message }) => ({
      name: message.op,
      input: message.input,
      id: message.requestId,
      signal: message.signal,
    })),
  };
  try {
    const raw = await fn.handler(trigger, invocationContextFor(fn, core.log, core.clientData));
    return { kind: 'ok', state: entityStateSchema.parse(JSON.parse(JSON.stringify(raw))) };
  } catch (error) {
    return { kind: 'error', message: errorText(error) };
  }
}

/** The EventRaised input the SDK's ResponseMessage expects: `result` is JSON text, parsed a second time. */
function responseFor(state: EntityStateWire, index: number): string {
  const result = state.results[index];
  if (!result)
    return JSON.stringify({
      result: JSON.stringify('entity returned no result for this operation'),
      exceptionType: 'Error',
    });
  if (result.isError)
    return JSON.stringify({ result: result.result ?? '"entity operation failed"', exceptionType: 'Error' });
  return JSON.stringify(result.result === undefined ? {} : { result: result.result });
}

/** How many delivered messages went ahead of a message sent to the entity before them. */
function overtaking(
  queued: readonly QueuedEntityMessage[],
  delivered: readonly QueuedEntityMessage[],
): number {
  const chosen = new Set(delivered.map((m) => m.seq));
  let earliestLeft = queued.find((m) => !chosen.has(m.seq))?.seq ?? Infinity;
  let count = 0;
  for (let i = delivered.length - 1; i >= 0; i--) {
    const { seq } = delivered[i]!;
    if (seq > earliestLeft) count += 1;
    earliestLeft = Math.min(earliestLeft, seq);
  }
  return count;
}

/** What the scheduler does next with an entity after a batch. */
export type BatchResult = { retryAfterFailure: false } | { retryAfterFailure: true; error: string };

/**
 * Runs queued operations of one entity (up to `maxEntityOperationBatchSize`, chosen and ordered by the
 * delivery mode, `delivery.ts`) through the SDK's
 * entity handler and commits the new state, the responses to calling orchestrations, the signals it sent
 * and the removal of the operations in one transaction. The scheduler runs at most one batch per entity
 * at a time. When the invocation itself fails (not an operation: the SDK reports those per operation),
 * nothing is committed and the messages stay queued for a retry, as the extension aborts the batch
 * (TaskEntityShim: "abort the batch instead of committing it") and the work item is abandoned.
 */
export async function runEntityBatch(core: EngineCore, entityId: string): Promise<BatchResult> {
  const { store } = core;
  const batchSize = core.limits.maxEntityOperationBatchSize;
  const queued = store.entityMessages(entityId, core.delivery.window(batchSize));
  if (queued.length === 0) return { retryAfterFailure: false };
  const messages = core.delivery.pick(queued, batchSize);
  const started = performance.now();
  const outcome = await runBatch(core, entityId, messages);
  if (outcome.kind === 'error') {
    core.log(`entity ${entityId} batch of ${messages.length} aborted, kept for a retry: ${outcome.message}`);
    return { retryAfterFailure: true, error: outcome.message };
  }

  if (
    core.crashHere({ kind: 'entity', id: entityId, name: parseSchedulerId(entityId).name }) ||
    core.halted()
  )
    return { retryAfterFailure: false };
  const now = core.clock.now();
  const { state } = outcome;
  const redelivered = core.delivery.redeliver(messages);
  store.tx(() => {
    store.putEntity({
      entityId,
      state: state.entityState ?? null,
      exists: state.entityExists,
      updatedAt: now,
    });
    for (const signal of state.signals) {
      const input = signal.input === '' ? undefined : signal.input;
      store.enqueueEntityMessage(schedulerId(signal.target.name, signal.target.key), {
        requestId: randomUUID(),
        op: signal.name,
        input,
        signal: true,
        sender: entityId,
      });
    }
    messages.forEach(({ message }, index) => {
      if (message.parent)
        store.enqueueEvent(
          message.parent.instanceId,
          message.parent.executionId,
          ev.eventRaised(now, message.requestId, responseFor(state, index)),
        );
    });
    store.deleteEntityMessages(messages.map((m) => m.seq));
    for (const { message } of redelivered)
      store.enqueueEntityMessage(entityId, { ...message, redelivered: true });
  });
  core.counters.add(entityId, 'entityMessagesOvertaking', overtaking(queued, messages));
  core.counters.add(entityId, 'entityMessagesRedelivered', redelivered.length);
  core.counters.add(entityId, 'entityBatches');
  core.counters.add(entityId, 'entityOperations', messages.length);
  const ms = (performance.now() - started).toFixed(1);
  core.log(
    `entity ${entityId} batch of ${messages.length} [${messages.map((m) => m.message.op).join(',')}] ${ms}ms`,
  );
  return { retryAfterFailure: false };
}
