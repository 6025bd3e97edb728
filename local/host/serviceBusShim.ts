import { supplyServiceBus } from '../interceptions';
import type { NewMessage } from './messageStore';
import { MAX_MESSAGE_BYTES, messageBytes } from './messageSize';

/** Where the shim's senders deliver: the local queue for a triggered queue, else the topic store. */
export interface LocalBroker {
  send(entity: string, message: NewMessage): void;
  /** Messages dead-lettered on a queue (what the admin client's runtime properties report). */
  deadLetterCount?(queue: string): number;
}

interface ShimMessage {
  body: unknown;
  messageId?: string | number;
  contentType?: string;
  correlationId?: string | number;
  subject?: string;
  applicationProperties?: Record<string, unknown>;
}

/** The Service Bus SDK sends a string as is and encodes other values as JSON; bytes are taken as UTF-8. */
function encodeBody(body: unknown): string {
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return Buffer.from(body).toString('utf8');
  return JSON.stringify(body ?? null);
}

function toNewMessage(m: ShimMessage): NewMessage {
  if (typeof m !== 'object' || m === null || !('body' in m))
    throw new TypeError('ServiceBusMessage must have a body');
  return {
    body: encodeBody(m.body),
    ...(m.messageId !== undefined ? { messageId: String(m.messageId) } : {}),
    ...(m.contentType !== undefined ? { contentType: m.contentType } : {}),
    ...(m.correlationId !== undefined ? { correlationId: String(m.correlationId) } : {}),
    ...(m.subject !== undefined ? { subject: m.subject } : {}),
    ...(m.applicationProperties !== undefined ? { applicationProperties: m.applicationProperties } : {}),
  };
}

class ServiceBusError extends Error {
  constructor(
    message: string,
    readonly code: string = 'GeneralError',
  ) {
    super(message);
    this.name = 'ServiceBusError';
  }
}

class LocalMessageBatch {
  readonly messages: ShimMessage[] = [];
  readonly maxSizeInBytes = MAX_MESSAGE_BYTES;
  private size = 0;
  get count(): number {
    return this.messages.length;
  }
  get sizeInBytes(): number {
    return this.size;
  }
  tryAddMessage(message: ShimMessage): boolean {
    const bytes = Buffer.byteLength(encodeBody(message.body));
    if (this.size + bytes > this.maxSizeInBytes) return false;
    this.size += bytes;
    this.messages.push(message);
    return true;
  }
}

/**
 * A stand-in for the `@azure/service-bus` module covering what a publisher uses: `ServiceBusClient`
 * (connection string or namespace + credential, both ignored), `createSender`, `sendMessages` (one,
 * array or batch), `createMessageBatch`, `close`; `ServiceBusAdministrationClient` for a queue's
 * dead-letter count. Receivers are not emulated: the host owns the queues.
 */
export function createServiceBusModule(broker: LocalBroker) {
  class ServiceBusSender {
    isClosed = false;
    constructor(readonly entityPath: string) {}
    async sendMessages(messages: ShimMessage | ShimMessage[] | LocalMessageBatch): Promise<void> {
      if (this.isClosed) throw new ServiceBusError(`sender for ${this.entityPath} is closed`, 'GeneralError');
      const list =
        messages instanceof LocalMessageBatch
          ? messages.messages
          : Array.isArray(messages)
            ? messages
            : [messages];
      const converted = list.map(toNewMessage);
      // as the SDK does: a message, or the batch an array becomes, over the entity's limit is refused whole
      const total = converted.reduce((sum, m) => sum + messageBytes(m), 0);
      if (total > MAX_MESSAGE_BYTES)
        throw new ServiceBusError(
          `${converted.length === 1 ? 'the message' : `the batch of ${converted.length}`} to ${this.entityPath} is ${total} bytes; Service Bus Standard accepts at most ${MAX_MESSAGE_BYTES}`,
          'MessageSizeExceeded',
        );
      await Promise.resolve();
      converted.forEach((m) => broker.send(this.entityPath, m));
    }
    async createMessageBatch(): Promise<LocalMessageBatch> {
      return new LocalMessageBatch();
    }
    async close(): Promise<void> {
      this.isClosed = true;
    }
  }
  class ServiceBusClient {
    constructor(
      readonly fullyQualifiedNamespaceOrConnectionString: string,
      _credential?: unknown,
    ) {}
    createSender(entityPath: string): ServiceBusSender {
      return new ServiceBusSender(entityPath);
    }
    createReceiver(): never {
      throw new ServiceBusError(
        'receivers are not emulated locally: the host delivers queue messages to triggers',
        'GeneralError',
      );
    }
    async close(): Promise<void> {}
  }
  /** Only the queue's runtime counts the app reads (the ops funnel's dead letters); no management. */
  class ServiceBusAdministrationClient {
    constructor(
      readonly fullyQualifiedNamespaceOrConnectionString: string,
      _credential?: unknown,
    ) {}
    async getQueueRuntimeProperties(
      queue: string,
    ): Promise<{ name: string; deadLetterMessageCount: number; activeMessageCount?: number }> {
      await Promise.resolve();
      return { name: queue, deadLetterMessageCount: broker.deadLetterCount?.(queue) ?? 0 };
    }
  }
  const isServiceBusError = (e: unknown): e is ServiceBusError => e instanceof ServiceBusError;
  return { ServiceBusClient, ServiceBusAdministrationClient, ServiceBusError, isServiceBusError };
}

let shim: ReturnType<typeof createServiceBusModule> | undefined;

/**
 * Makes `require('@azure/service-bus')` in this process return the shim, with the require-proxy technique
 * the worker uses for `@azure/functions-core`. Install before the app is loaded. The latest broker wins.
 */
export function installServiceBusShim(broker: LocalBroker): void {
  const first = shim === undefined;
  shim = createServiceBusModule(broker);
  if (!first) return;
  supplyServiceBus(() => shim);
}
