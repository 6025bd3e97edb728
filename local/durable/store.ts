import Database from 'better-sqlite3';
import type { EntityMessage } from './planner';
import {
  SCHEMA,
  toInstance,
  whereClause,
  type EntityRecord,
  type InstanceFilter,
  type InstanceRecord,
  type InstanceRow,
  type QueuedActivity,
  type QueuedEntityMessage,
  type QueuedEvent,
  type TimerRecord,
} from './storeRecords';
import type { HistoryEvent } from './wire';

export type {
  EntityRecord,
  InstanceFilter,
  InstanceRecord,
  ParentRef,
  QueuedActivity,
  QueuedEntityMessage,
  QueuedEvent,
  TimerRecord,
} from './storeRecords';

/**
 * The engine's SQLite store (better-sqlite3, synchronous, WAL). Every method is one statement; callers
 * group them with `tx` so a step's reads of its work item and all its writes commit atomically.
 */
export class DurableStore {
  private readonly db: Database.Database;
  // Compiled once: db.transaction() prepares BEGIN/COMMIT anew on every call.
  private readonly transaction: (fn: () => unknown) => unknown;

  constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    // NORMAL is durable against a killed process (only an OS crash can lose the last commits).
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('cache_size = -65536');
    this.db.pragma('mmap_size = 268435456');
    this.db.exec(SCHEMA);
    this.transaction = this.db.transaction((fn: () => unknown) => fn());
  }

  private readonly statements = new Map<string, Database.Statement>();

  private stmt(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  tx<T>(fn: () => T): T {
    return this.transaction(fn) as T;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  getInstance(instanceId: string): InstanceRecord | undefined {
    const row = this.stmt('SELECT * FROM instances WHERE instance_id = ?').get(instanceId) as
      InstanceRow | undefined;
    return row && toInstance(row);
  }

  /** Inserts or replaces the instance; returns false when `expectedVersion` no longer matches. */
  putInstance(record: InstanceRecord, expectedVersion?: number): boolean {
    const values = [
      record.executionId,
      record.name,
      record.status,
      record.input,
      record.output,
      record.customStatus,
      record.createdAt,
      record.updatedAt,
      JSON.stringify(record.history),
      JSON.stringify(record.planner),
      record.parent && JSON.stringify(record.parent),
      record.version,
    ];
    if (expectedVersion === undefined) {
      this.db
        .prepare(
          'INSERT OR REPLACE INTO instances (execution_id, name, status, input, output, custom_status, created_at, updated_at, history, planner, parent, version, instance_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)',
        )
        .run(...values, record.instanceId);
      return true;
    }
    const result = this.db
      .prepare(
        'UPDATE instances SET execution_id=?, name=?, status=?, input=?, output=?, custom_status=?, created_at=?, updated_at=?, history=?, planner=?, parent=?, version=? WHERE instance_id=? AND version=?',
      )
      .run(...values, record.instanceId, expectedVersion);
    return result.changes === 1;
  }

  listInstances(filter: InstanceFilter, offset: number, limit: number): InstanceRecord[] {
    const { sql, params } = whereClause(filter);
    const rows = this.stmt(
      `SELECT * FROM instances ${sql} ORDER BY created_at, instance_id LIMIT ? OFFSET ?`,
    ).all(...params, limit, offset) as InstanceRow[];
    return rows.map(toInstance);
  }

  /** Deletes the instances matching the filter (or the id) with all their queued work; returns how many. */
  purge(filter: InstanceFilter | { instanceId: string }): number {
    const ids =
      'instanceId' in filter
        ? [filter.instanceId]
        : (
            this.stmt(`SELECT instance_id FROM instances ${whereClause(filter).sql}`).all(
              ...whereClause(filter).params,
            ) as Array<{ instance_id: string }>
          ).map((r) => r.instance_id);
    let deleted = 0;
    for (const id of ids) {
      deleted += this.stmt('DELETE FROM instances WHERE instance_id = ?').run(id).changes;
      this.deleteWorkOf(id);
    }
    return deleted;
  }

  deleteWorkOf(instanceId: string): void {
    for (const table of ['orchestration_queue', 'activity_queue', 'timers']) {
      this.stmt(`DELETE FROM ${table} WHERE instance_id = ?`).run(instanceId);
    }
  }

  /** Drops work tied to an execution (completions, activities, timers), keeping queued external events. */
  dropExecutionWork(instanceId: string): void {
    this.stmt('DELETE FROM orchestration_queue WHERE instance_id = ? AND execution_id IS NOT NULL').run(
      instanceId,
    );
    this.stmt('DELETE FROM activity_queue WHERE instance_id = ?').run(instanceId);
    this.stmt('DELETE FROM timers WHERE instance_id = ?').run(instanceId);
  }

  enqueueEvent(instanceId: string, executionId: string | null, event: HistoryEvent): void {
    this.stmt('INSERT INTO orchestration_queue (instance_id, execution_id, event) VALUES (?,?,?)').run(
      instanceId,
      executionId,
      JSON.stringify(event),
    );
  }

  nextEvent(instanceId: string): QueuedEvent | undefined {
    const row = this.stmt('SELECT * FROM orchestration_queue WHERE instance_id = ? ORDER BY seq LIMIT 1').get(
      instanceId,
    ) as { seq: number; instance_id: string; execution_id: string | null; event: string } | undefined;
    return (
      row && {
        seq: row.seq,
        instanceId: row.instance_id,
        executionId: row.execution_id,
        event: JSON.parse(row.event) as HistoryEvent,
      }
    );
  }

  deleteEvent(seq: number): void {
    this.stmt('DELETE FROM orchestration_queue WHERE seq = ?').run(seq);
  }

  instancesWithEvents(): string[] {
    const rows = this.stmt(
      'SELECT instance_id, MIN(seq) AS first FROM orchestration_queue GROUP BY instance_id ORDER BY first',
    ).all() as Array<{ instance_id: string }>;
    return rows.map((r) => r.instance_id);
  }

  enqueueActivity(item: Omit<QueuedActivity, 'seq'>): void {
    this.db
      .prepare(
        'INSERT INTO activity_queue (instance_id, execution_id, task_id, name, input) VALUES (?,?,?,?,?)',
      )
      .run(item.instanceId, item.executionId, item.taskId, item.name, JSON.stringify(item.input ?? null));
  }

  activities(excludeSeqs: ReadonlySet<number>, limit: number): QueuedActivity[] {
    const rows = this.stmt('SELECT * FROM activity_queue ORDER BY seq').iterate() as IterableIterator<{
      seq: number;
      instance_id: string;
      execution_id: string;
      task_id: number;
      name: string;
      input: string;
    }>;
    const out: QueuedActivity[] = [];
    for (const row of rows) {
      if (out.length >= limit) break;
      if (excludeSeqs.has(row.seq)) continue;
      out.push({
        seq: row.seq,
        instanceId: row.instance_id,
        executionId: row.execution_id,
        taskId: row.task_id,
        name: row.name,
        input: JSON.parse(row.input) as unknown,
      });
    }
    return out;
  }

  hasActivity(seq: number): boolean {
    return this.stmt('SELECT 1 FROM activity_queue WHERE seq = ?').get(seq) !== undefined;
  }

  deleteActivity(seq: number): void {
    this.stmt('DELETE FROM activity_queue WHERE seq = ?').run(seq);
  }

  enqueueEntityMessage(entityId: string, message: EntityMessage): void {
    this.stmt('INSERT INTO entity_queue (entity_id, message) VALUES (?,?)').run(
      entityId,
      JSON.stringify(message),
    );
  }

  entitiesWithMessages(): string[] {
    const rows = this.stmt(
      'SELECT entity_id, MIN(seq) AS first FROM entity_queue GROUP BY entity_id ORDER BY first',
    ).all() as Array<{ entity_id: string }>;
    return rows.map((r) => r.entity_id);
  }

  entityMessages(entityId: string, limit: number): QueuedEntityMessage[] {
    const rows = this.stmt('SELECT * FROM entity_queue WHERE entity_id = ? ORDER BY seq LIMIT ?').all(
      entityId,
      limit,
    ) as Array<{ seq: number; entity_id: string; message: string }>;
    return rows.map((r) => ({
      seq: r.seq,
      entityId: r.entity_id,
      message: JSON.parse(r.message) as EntityMessage,
    }));
  }

  deleteEntityMessages(seqs: readonly number[]): void {
    const statement = this.stmt('DELETE FROM entity_queue WHERE seq = ?');
    for (const seq of seqs) statement.run(seq);
  }

  getEntity(entityId: string): EntityRecord | undefined {
    const row = this.stmt('SELECT * FROM entities WHERE entity_id = ?').get(entityId) as
      { entity_id: string; state: string | null; exists_flag: number; updated_at: number } | undefined;
    return (
      row && {
        entityId: row.entity_id,
        state: row.state,
        exists: row.exists_flag === 1,
        updatedAt: row.updated_at,
      }
    );
  }

  putEntity(record: EntityRecord): void {
    this.db
      .prepare('INSERT OR REPLACE INTO entities (entity_id, state, exists_flag, updated_at) VALUES (?,?,?,?)')
      .run(record.entityId, record.state, record.exists ? 1 : 0, record.updatedAt);
  }

  putTimer(timer: TimerRecord): void {
    this.stmt(
      'INSERT OR REPLACE INTO timers (instance_id, execution_id, timer_id, fire_at) VALUES (?,?,?,?)',
    ).run(timer.instanceId, timer.executionId, timer.timerId, timer.fireAt);
  }

  /** Removes the timer; returns whether it was still there (a fired or cancelled timer is gone). */
  deleteTimer(timer: Omit<TimerRecord, 'fireAt'>): boolean {
    return (
      this.stmt('DELETE FROM timers WHERE instance_id = ? AND execution_id = ? AND timer_id = ?').run(
        timer.instanceId,
        timer.executionId,
        timer.timerId,
      ).changes === 1
    );
  }

  timers(): TimerRecord[] {
    const rows = this.stmt('SELECT * FROM timers ORDER BY fire_at').all() as Array<{
      instance_id: string;
      execution_id: string;
      timer_id: number;
      fire_at: number;
    }>;
    return rows.map((r) => ({
      instanceId: r.instance_id,
      executionId: r.execution_id,
      timerId: r.timer_id,
      fireAt: r.fire_at,
    }));
  }

  /** Whether any orchestration, entity or activity work is queued (timers not yet due are not work). */
  hasQueuedWork(): boolean {
    return ['orchestration_queue', 'activity_queue', 'entity_queue'].some(
      (t) => this.stmt(`SELECT 1 FROM ${t} LIMIT 1`).get() !== undefined,
    );
  }
}
