import type { Statement } from 'better-sqlite3';
import {
  COLUMNS,
  migrateMessageStore,
  toMessage,
  values,
  type DeadLetter,
  type NewMessage,
  type Row,
  type StoredMessage,
} from './messageStore';
import type { Db } from './sqlite';

type DeadLetterRow = Row & { reason: string; description: string; dead_lettered_at: number };

/**
 * The SQLite-backed queue: at-least-once (a locked message is unlocked again on restart), redelivery
 * after a failure, dead-lettering past the max delivery count. No duplicate detection: the card
 * platform's stream is at-least-once and the app must cope with duplicates. Statements are prepared
 * once: this sits on the hot path of every delivery.
 */
export class QueueStore {
  private readonly sql: Record<
    | 'insert'
    | 'ready'
    | 'lock'
    | 'remove'
    | 'unlock'
    | 'toDeadLetter'
    | 'any'
    | 'nextVisible'
    | 'deadLetters',
    Statement
  >;
  private readonly leaseTx: (queue: string, nowWallMs: number, max: number) => StoredMessage[];
  private readonly deadLetterTx: (seq: number, reason: string, description: string, atMs: number) => void;

  constructor(private readonly db: Db) {
    migrateMessageStore(db);
    this.sql = {
      insert: db.prepare(
        `INSERT INTO sb_queue (entity, message_id, body, content_type, correlation_id, subject, app_props, enqueued_at, visible_at)
         VALUES (@entity, @message_id, @body, @content_type, @correlation_id, @subject, @app_props, @enqueued_at, @visible_at) RETURNING ${COLUMNS}`,
      ),
      ready: db.prepare(
        `SELECT ${COLUMNS} FROM sb_queue WHERE entity = ? AND locked = 0 AND visible_at <= ? ORDER BY visible_at, seq LIMIT ?`,
      ),
      lock: db.prepare('UPDATE sb_queue SET locked = 1, delivery_count = delivery_count + 1 WHERE seq = ?'),
      remove: db.prepare('DELETE FROM sb_queue WHERE seq = ?'),
      unlock: db.prepare('UPDATE sb_queue SET locked = 0, visible_at = ? WHERE seq = ?'),
      toDeadLetter: db.prepare(
        `INSERT INTO sb_dead_letter (${COLUMNS}, reason, description, dead_lettered_at)
         SELECT ${COLUMNS}, ?, ?, ? FROM sb_queue WHERE seq = ?`,
      ),
      any: db.prepare('SELECT EXISTS (SELECT 1 FROM sb_queue WHERE entity = ?) AS found'),
      nextVisible: db.prepare('SELECT MIN(visible_at) AS next FROM sb_queue WHERE entity = ? AND locked = 0'),
      deadLetters: db.prepare(
        `SELECT ${COLUMNS}, reason, description, dead_lettered_at FROM sb_dead_letter WHERE ? IS NULL OR entity = ? ORDER BY seq`,
      ),
    };
    this.leaseTx = db.transaction((queue: string, nowWallMs: number, max: number) =>
      (this.sql.ready.all(queue, nowWallMs, max) as Row[]).map((r) => {
        this.sql.lock.run(r.seq);
        return toMessage({ ...r, delivery_count: r.delivery_count + 1 });
      }),
    );
    this.deadLetterTx = db.transaction((seq: number, reason: string, description: string, atMs: number) => {
      this.sql.toDeadLetter.run(reason, description, atMs, seq);
      this.sql.remove.run(seq);
    });
  }

  /** Messages locked by a process that died are delivered again (their delivery count already rose). */
  recoverLocks(): number {
    return this.db.prepare('UPDATE sb_queue SET locked = 0 WHERE locked = 1').run().changes;
  }

  enqueue(queue: string, m: NewMessage, enqueuedAtMs: number, visibleAtMs: number): StoredMessage {
    return toMessage(
      this.sql.insert.get({ ...values(queue, m, enqueuedAtMs), visible_at: visibleAtMs }) as Row,
    );
  }

  /** Locks up to `max` ready messages in order and counts the delivery. */
  lease(queue: string, max: number, nowWallMs: number): StoredMessage[] {
    return max <= 0 ? [] : this.leaseTx(queue, nowWallMs, max);
  }

  complete(seq: number): void {
    this.sql.remove.run(seq);
  }

  abandon(seq: number, visibleAtMs: number): void {
    this.sql.unlock.run(visibleAtMs, seq);
  }

  deadLetter(seq: number, reason: string, description: string, atMs: number): void {
    this.deadLetterTx(seq, reason, description, atMs);
  }

  /** Whether any message of the queue is waiting or in flight (an index probe, not a count). */
  hasPending(queue: string): boolean {
    return (this.sql.any.get(queue) as { found: number }).found === 1;
  }

  /** The earliest wall time an unlocked message becomes visible, or null when none waits. */
  nextVisibleAt(queue: string): number | null {
    return (this.sql.nextVisible.get(queue) as { next: number | null }).next;
  }

  deadLetters(queue?: string): DeadLetter[] {
    const rows = this.sql.deadLetters.all(queue ?? null, queue ?? null) as DeadLetterRow[];
    return rows.map((r) => ({
      ...toMessage(r),
      reason: r.reason,
      description: r.description,
      deadLetteredAtMs: r.dead_lettered_at,
    }));
  }
}
