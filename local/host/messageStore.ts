import { randomUUID } from 'node:crypto';
import type { Db } from './sqlite';

/** A message as the local broker keeps it. `body` is the UTF-8 text the broker would hand the worker. */
export interface StoredMessage {
  sequenceNumber: number;
  entity: string;
  messageId: string;
  body: string;
  contentType: string | null;
  correlationId: string | null;
  subject: string | null;
  applicationProperties: Record<string, unknown>;
  enqueuedAtMs: number;
  deliveryCount: number;
}

export interface NewMessage {
  messageId?: string;
  body: string;
  contentType?: string;
  correlationId?: string;
  subject?: string;
  applicationProperties?: Record<string, unknown>;
}

export interface DeadLetter extends StoredMessage {
  reason: string;
  description: string;
  deadLetteredAtMs: number;
}

export const COLUMNS = `seq, entity, message_id, body, content_type, correlation_id, subject, app_props, enqueued_at, delivery_count`;

export interface Row {
  seq: number;
  entity: string;
  message_id: string;
  body: string;
  content_type: string | null;
  correlation_id: string | null;
  subject: string | null;
  app_props: string;
  enqueued_at: number;
  delivery_count: number;
}

export function toMessage(row: Row): StoredMessage {
  return {
    sequenceNumber: row.seq,
    entity: row.entity,
    messageId: row.message_id,
    body: row.body,
    contentType: row.content_type,
    correlationId: row.correlation_id,
    subject: row.subject,
    applicationProperties: JSON.parse(row.app_props) as Record<string, unknown>,
    enqueuedAtMs: row.enqueued_at,
    deliveryCount: row.delivery_count,
  };
}

/** Creates the broker tables once per database file. */
export function migrateMessageStore(db: Db): void {
  const message = `seq INTEGER PRIMARY KEY AUTOINCREMENT, entity TEXT NOT NULL, message_id TEXT NOT NULL, body TEXT NOT NULL,
    content_type TEXT, correlation_id TEXT, subject TEXT, app_props TEXT NOT NULL, enqueued_at INTEGER NOT NULL,
    delivery_count INTEGER NOT NULL DEFAULT 0`;
  db.exec(`
    CREATE TABLE IF NOT EXISTS sb_queue (${message}, visible_at INTEGER NOT NULL, locked INTEGER NOT NULL DEFAULT 0);
    CREATE INDEX IF NOT EXISTS sb_queue_ready ON sb_queue (entity, locked, visible_at, seq);
    CREATE TABLE IF NOT EXISTS sb_dead_letter (${message}, reason TEXT NOT NULL, description TEXT NOT NULL, dead_lettered_at INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS sb_topic (${message}, UNIQUE (entity, message_id));
  `);
}

export function values(entity: string, m: NewMessage, enqueuedAtMs: number) {
  return {
    entity,
    message_id: m.messageId ?? randomUUID(),
    body: m.body,
    content_type: m.contentType ?? null,
    correlation_id: m.correlationId ?? null,
    subject: m.subject ?? null,
    app_props: JSON.stringify(m.applicationProperties ?? {}),
    enqueued_at: enqueuedAtMs,
  };
}
