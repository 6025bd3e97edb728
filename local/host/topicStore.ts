import type { Statement } from 'better-sqlite3';
import type { Db } from './sqlite';
import {
  COLUMNS,
  migrateMessageStore,
  toMessage,
  values,
  type NewMessage,
  type Row,
  type StoredMessage,
} from './messageStore';

/** The topic side of the local broker: what the app publishes, with duplicate detection by `messageId`. */
export class TopicStore {
  private readonly insert: Statement;

  constructor(private readonly db: Db) {
    migrateMessageStore(db);
    this.insert = db.prepare(
      `INSERT OR IGNORE INTO sb_topic (entity, message_id, body, content_type, correlation_id, subject, app_props, enqueued_at)
       VALUES (@entity, @message_id, @body, @content_type, @correlation_id, @subject, @app_props, @enqueued_at)`,
    );
  }

  /** Returns false when a message with the same id was already accepted on this topic. */
  publish(topic: string, m: NewMessage, enqueuedAtMs: number): boolean {
    return this.insert.run(values(topic, m, enqueuedAtMs)).changes === 1;
  }

  list(topic?: string, limit = 1000): StoredMessage[] {
    const rows = this.db
      .prepare(`SELECT ${COLUMNS} FROM sb_topic WHERE ? IS NULL OR entity = ? ORDER BY seq DESC LIMIT ?`)
      .all(topic ?? null, topic ?? null, limit) as Row[];
    return rows.map(toMessage).reverse();
  }
}
