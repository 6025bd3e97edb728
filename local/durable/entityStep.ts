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

/** What the scheduler does next with an entity after a batch. */
export type BatchResult = { retryAfterFailure: false } | { retryAfterFailure: true; error: string };

/**
 * Runs the queued operations of one entity (up to `maxEntityOperationBatchSize`) through the SDK's
 * entity handler and commits the new state, the responses to calling orchestrations, the signals it sent
 * and the removal of the operations in one transaction. The scheduler runs at most one batch per entity
 * at a time. When the invocation itself fails (not an operation: the SDK reports those per operation),
 * nothing is committed and the messages stay queued for a retry, as the extension aborts the batch
 * (TaskEntityShim: "abort the batch instead of committing it") and the work item is abandoned.
 */
export async function runEntityBatch(core: EngineCore, entityId: string): Promise<BatchResult> {
  const { store } = core;
  const messages = store.entityMessages(entityId, core.limits.maxEntityOperationBatchSize);
  if (messages.length === 0) return { retryAfterFailure: false };
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
  });
  core.counters.add(entityId, 'entityBatches');
  core.counters.add(entityId, 'entityOperations', messages.length);
  const ms = (performance.now() - started).toFixed(1);
  core.log(
    `entity ${entityId} batch of ${messages.length} [${messages.map((m) => m.message.op).join(',')}] ${ms}ms`,
  );
  return { retryAfterFailure: false };
}
