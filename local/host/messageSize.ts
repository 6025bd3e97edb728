import type { NewMessage } from './messageStore';

/**
 * Service Bus Standard caps a message at 256 KB (Premium: 100 MB); the local namespace enforces the
 * Standard limit so a publisher that works here cannot fail on the real queue. Counted as Service Bus
 * counts it, approximately: body, ids, subject, content type and application properties.
 */
export const MAX_MESSAGE_BYTES = 256 * 1024;

export class MessageSizeExceeded extends Error {
  readonly code = 'MessageSizeExceeded';
  constructor(
    readonly entity: string,
    readonly bytes: number,
  ) {
    super(
      `message to ${entity} is ${bytes} bytes; Service Bus Standard accepts at most ${MAX_MESSAGE_BYTES}`,
    );
    this.name = 'MessageSizeExceeded';
  }
}

export function messageBytes(m: NewMessage): number {
  const text = (v: string | undefined): number => (v === undefined ? 0 : Buffer.byteLength(v));
  return (
    text(m.body) +
    text(m.messageId) +
    text(m.contentType) +
    text(m.correlationId) +
    text(m.subject) +
    (m.applicationProperties ? Buffer.byteLength(JSON.stringify(m.applicationProperties)) : 0)
  );
}

/** Throws {@link MessageSizeExceeded} for a message Service Bus Standard would refuse. */
export function checkMessageSize(entity: string, m: NewMessage): void {
  const bytes = messageBytes(m);
  if (bytes > MAX_MESSAGE_BYTES) throw new MessageSizeExceeded(entity, bytes);
}
