import type { NewMessage } from './messageStore';
import { checkMessageSize } from './messageSize';
import { QueueStore } from './queueStore';
import { TopicStore } from './topicStore';
import type { ServiceBusTriggers } from './serviceBusTrigger';
import type { LocalBroker } from './serviceBusShim';
import type { Db } from './sqlite';
import type { HostClock } from './types';
import { wallClockMs } from './wallClock';

/**
 * The local namespace behind the Service Bus shim: an entity with a queue trigger is a queue fed to that
 * trigger; any other entity is a topic whose messages are kept (deduplicated by id) for inspection.
 */
export class LocalNamespace implements LocalBroker {
  readonly queues: QueueStore;
  readonly topics: TopicStore;
  private triggers: ServiceBusTriggers | undefined;

  constructor(
    db: Db,
    private readonly clock: HostClock,
  ) {
    this.queues = new QueueStore(db);
    this.topics = new TopicStore(db);
  }

  attach(triggers: ServiceBusTriggers): void {
    this.triggers = triggers;
  }

  send(entity: string, message: NewMessage): void {
    checkMessageSize(entity, message);
    if (this.triggers?.queues().includes(entity)) this.triggers.publish(entity, message);
    else this.topics.publish(entity, message, this.clock.now());
  }

  deadLetterCount(queue: string): number {
    return this.queues.deadLetters(queue).length;
  }

  /** Publishes to a queue even before its trigger is known (messages wait in the store). */
  publishToQueue(queue: string, message: NewMessage): { sequenceNumber: number; messageId: string } {
    checkMessageSize(queue, message);
    const stored = this.triggers
      ? this.triggers.publish(queue, message)
      : this.queues.enqueue(queue, message, this.clock.now(), wallClockMs());
    return { sequenceNumber: stored.sequenceNumber, messageId: stored.messageId };
  }
}
