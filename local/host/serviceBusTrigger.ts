import { randomUUID } from 'node:crypto';
import type { RegisteredFunction } from '../functionsCore';
import { IdleSignal } from './idle';
import type { Invoker } from './invoke';
import type { NewMessage, StoredMessage } from './messageStore';
import type { QueueStore } from './queueStore';
import { resolveSetting } from './settings';
import type { HostClock, LogLine } from './types';
import { wallClockMs } from './wallClock';

export interface ServiceBusTriggerOptions {
  store: QueueStore;
  invoker: Invoker;
  clock: HostClock;
  log: LogLine;
  maxDeliveryCount?: number;
  /** Wall-clock wait before a failed message is offered again (real Service Bus: at once). */
  redeliveryDelayMs?: number;
  maxConcurrentCalls?: number;
  /** How long a delivery holds its lock (host.json maxAutoLockRenewalDuration; default 5 minutes). */
  lockRenewalMs?: number;
  env?: NodeJS.ProcessEnv;
}

/** The worker camel-cases trigger metadata keys recursively (`fromRpcTriggerMetadata`); so do we. */
function camelKeys(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k.charAt(0).toLowerCase() + k.slice(1), v]),
  );
}

function parseBody(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

/** Binding data the Service Bus extension supplies, as the Node worker hands it to `triggerMetadata`. */
export function serviceBusMetadata(m: StoredMessage, lockedUntilMs: number): Record<string, unknown> {
  const props = camelKeys(m.applicationProperties);
  return {
    messageId: m.messageId,
    deliveryCount: m.deliveryCount,
    enqueuedTimeUtc: new Date(m.enqueuedAtMs).toISOString(),
    sequenceNumber: m.sequenceNumber,
    lockToken: randomUUID(),
    lockedUntilUtc: new Date(lockedUntilMs).toISOString(),
    expiresAtUtc: '9999-12-31T23:59:59.9999999Z',
    contentType: m.contentType,
    correlationId: m.correlationId,
    subject: m.subject,
    label: m.subject,
    applicationProperties: props,
    userProperties: props,
  };
}

/**
 * Feeds `serviceBusTrigger` functions from the local queue store: up to `maxConcurrentCalls` at once
 * per queue, complete on success, redeliver on throw, dead-letter after `maxDeliveryCount` deliveries.
 */
export class ServiceBusTriggers {
  private readonly byQueue = new Map<string, RegisteredFunction[]>();
  private readonly inFlight = new Map<string, number>();
  private readonly wakeups = new Map<string, NodeJS.Timeout>();
  private readonly idle: IdleSignal;
  private roundRobin = 0;
  private running = false;

  constructor(
    functions: RegisteredFunction[],
    private readonly opts: ServiceBusTriggerOptions,
  ) {
    for (const fn of functions) {
      const queue = resolveSetting(
        String(fn.trigger['queueName'] ?? fn.trigger['topicName'] ?? ''),
        opts.env,
      );
      if (!queue) throw new Error(`serviceBusTrigger ${fn.name} has no queueName`);
      if (fn.trigger['cardinality'] === 'many')
        opts.log(`WARNING ${fn.name}: cardinality "many" is delivered one message at a time locally`);
      this.byQueue.set(queue, [...(this.byQueue.get(queue) ?? []), fn]);
    }
    this.idle = new IdleSignal(() => this.isIdle());
  }

  queues(): string[] {
    return [...this.byQueue.keys()];
  }

  start(): void {
    const recovered = this.opts.store.recoverLocks();
    if (recovered > 0)
      this.opts.log(
        `service bus: ${recovered} message(s) in flight at the last stop will be delivered again`,
      );
    this.running = true;
    this.opts.clock.addSettler(() => this.whenIdle());
    this.byQueue.forEach((_, queue) => this.pump(queue));
  }

  /** Stops taking messages and waits for the ones in flight; unfinished ones stay in the store. */
  async stop(): Promise<void> {
    this.running = false;
    this.wakeups.forEach((t) => clearTimeout(t));
    this.wakeups.clear();
    while ([...this.inFlight.values()].some((n) => n > 0)) await new Promise((r) => setTimeout(r, 10));
  }

  publish(queue: string, message: NewMessage): StoredMessage {
    const stored = this.opts.store.enqueue(queue, message, this.opts.clock.now(), wallClockMs());
    if (this.running) this.pump(queue);
    return stored;
  }

  isIdle(): boolean {
    return [...this.byQueue.keys()].every(
      (q) => (this.inFlight.get(q) ?? 0) === 0 && !this.opts.store.hasPending(q),
    );
  }

  whenIdle(): Promise<void> {
    return this.idle.wait();
  }

  private pump(queue: string): void {
    if (!this.running || !this.byQueue.has(queue)) return;
    const busy = this.inFlight.get(queue) ?? 0;
    const messages = this.opts.store.lease(queue, (this.opts.maxConcurrentCalls ?? 16) - busy, wallClockMs());
    this.inFlight.set(queue, busy + messages.length);
    for (const m of messages) {
      void this.deliver(queue, m).finally(() => {
        this.inFlight.set(queue, (this.inFlight.get(queue) ?? 1) - 1);
        this.pump(queue);
        this.idle.check();
      });
    }
    this.scheduleWakeup(queue);
    this.idle.check();
  }

  private scheduleWakeup(queue: string): void {
    const next = this.opts.store.nextVisibleAt(queue);
    clearTimeout(this.wakeups.get(queue));
    this.wakeups.delete(queue);
    if (next === null || !this.running) return;
    // A message visible already but not leased waits for a free slot: the delivery ending frees it and
    // pumps. With a slot free it became visible after the lease (a redelivery's short delay passing on a
    // loaded machine): nothing else would pump, so pump again at once.
    const free = (this.inFlight.get(queue) ?? 0) < (this.opts.maxConcurrentCalls ?? 16);
    if (next <= wallClockMs() && !free) return;
    const timer = setTimeout(() => this.pump(queue), Math.max(0, next - wallClockMs()));
    this.wakeups.set(queue, timer);
  }

  private async deliver(queue: string, m: StoredMessage): Promise<void> {
    const fns = this.byQueue.get(queue) ?? [];
    const fn = fns[this.roundRobin++ % fns.length] as RegisteredFunction;
    const maxDeliveryCount = this.opts.maxDeliveryCount ?? 10;
    try {
      await this.opts.invoker.invoke({
        fn,
        triggerInput: parseBody(m.body),
        triggerMetadata: serviceBusMetadata(
          m,
          this.opts.clock.now() + (this.opts.lockRenewalMs ?? 5 * 60_000),
        ),
        detail: `messageId=${m.messageId} delivery=${m.deliveryCount}`,
      });
      this.opts.store.complete(m.sequenceNumber);
    } catch (err) {
      if (m.deliveryCount >= maxDeliveryCount) {
        const description = err instanceof Error ? err.message : String(err);
        this.opts.store.deadLetter(
          m.sequenceNumber,
          'MaxDeliveryCountExceeded',
          description,
          this.opts.clock.now(),
        );
        this.opts.log(
          `service bus: ${queue} message ${m.messageId} dead-lettered after ${m.deliveryCount} deliveries`,
        );
      } else {
        this.opts.store.abandon(m.sequenceNumber, wallClockMs() + (this.opts.redeliveryDelayMs ?? 250));
      }
    }
  }
}
