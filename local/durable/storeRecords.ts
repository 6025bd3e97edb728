// Records and row mapping of the durable store (see store.ts).
import type { EntityMessage, PlannerState } from './planner';
import type { HistoryEvent, RuntimeStatus } from './wire';

/** Where a sub-orchestration reports back. */
export interface ParentRef {
  instanceId: string;
  executionId: string;
  taskId: number;
}

export interface InstanceRecord {
  instanceId: string;
  executionId: string;
  name: string;
  status: RuntimeStatus;
  /** JSON text of the orchestration input. */
  input: string;
  output: string | null;
  customStatus: string | null;
  createdAt: number;
  updatedAt: number;
  history: HistoryEvent[];
  planner: PlannerState;
  parent: ParentRef | null;
  version: number;
}

export interface QueuedEvent {
  seq: number;
  instanceId: string;
  executionId: string | null;
  event: HistoryEvent;
}

export interface QueuedActivity {
  seq: number;
  instanceId: string;
  executionId: string;
  taskId: number;
  name: string;
  input: unknown;
}

export interface QueuedEntityMessage {
  seq: number;
  entityId: string;
  message: EntityMessage;
}

export interface TimerRecord {
  instanceId: string;
  executionId: string;
  timerId: number;
  fireAt: number;
}

export interface EntityRecord {
  entityId: string;
  state: string | null;
  exists: boolean;
  updatedAt: number;
}

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS instances (
  instance_id TEXT PRIMARY KEY, execution_id TEXT NOT NULL, name TEXT NOT NULL, status TEXT NOT NULL,
  input TEXT NOT NULL, output TEXT, custom_status TEXT, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
  history TEXT NOT NULL, planner TEXT NOT NULL, parent TEXT, version INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS instances_by_created ON instances (created_at, instance_id);
CREATE TABLE IF NOT EXISTS orchestration_queue (seq INTEGER PRIMARY KEY AUTOINCREMENT, instance_id TEXT NOT NULL, execution_id TEXT, event TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS orchestration_queue_by_instance ON orchestration_queue (instance_id, seq);
CREATE TABLE IF NOT EXISTS activity_queue (seq INTEGER PRIMARY KEY AUTOINCREMENT, instance_id TEXT NOT NULL, execution_id TEXT NOT NULL, task_id INTEGER NOT NULL, name TEXT NOT NULL, input TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS entity_queue (seq INTEGER PRIMARY KEY AUTOINCREMENT, entity_id TEXT NOT NULL, message TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS entity_queue_by_entity ON entity_queue (entity_id, seq);
CREATE TABLE IF NOT EXISTS timers (instance_id TEXT NOT NULL, execution_id TEXT NOT NULL, timer_id INTEGER NOT NULL, fire_at INTEGER NOT NULL,
  PRIMARY KEY (instance_id, execution_id, timer_id));
CREATE TABLE IF NOT EXISTS entities (entity_id TEXT PRIMARY KEY, state TEXT, exists_flag INTEGER NOT NULL, updated_at INTEGER NOT NULL);
`;

export interface InstanceRow {
  instance_id: string;
  execution_id: string;
  name: string;
  status: RuntimeStatus;
  input: string;
  output: string | null;
  custom_status: string | null;
  created_at: number;
  updated_at: number;
  history: string;
  planner: string;
  parent: string | null;
  version: number;
}

// Rows are written only by this module, so their JSON columns are trusted and cast rather than re-validated.
export const toInstance = (row: InstanceRow): InstanceRecord => ({
  instanceId: row.instance_id,
  executionId: row.execution_id,
  name: row.name,
  status: row.status,
  input: row.input,
  output: row.output,
  customStatus: row.custom_status,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  history: JSON.parse(row.history) as HistoryEvent[],
  planner: JSON.parse(row.planner) as PlannerState,
  parent: row.parent === null ? null : (JSON.parse(row.parent) as ParentRef),
  version: row.version,
});

/** Filter of the list/purge APIs; bounds are epoch ms, inclusive. */
export interface InstanceFilter {
  createdFrom?: number;
  createdTo?: number;
  statuses?: RuntimeStatus[];
  prefix?: string;
}

/** SQL for an instance filter; bounds inclusive. */
export function whereClause(filter: InstanceFilter): { sql: string; params: Array<string | number> } {
  const parts: string[] = [];
  const params: Array<string | number> = [];
  const add = (sql: string, ...values: Array<string | number>): void => {
    parts.push(sql);
    params.push(...values);
  };
  if (filter.createdFrom !== undefined) add('created_at >= ?', filter.createdFrom);
  if (filter.createdTo !== undefined) add('created_at <= ?', filter.createdTo);
  if (filter.statuses && filter.statuses.length > 0)
    add(`status IN (${filter.statuses.map(() => '?').join(',')})`, ...filter.statuses);
  if (filter.prefix) add('substr(instance_id, 1, ?) = ?', filter.prefix.length, filter.prefix);
  return { sql: parts.length > 0 ? `WHERE ${parts.join(' AND ')}` : '', params };
}
