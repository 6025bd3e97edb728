import type { Statement } from 'better-sqlite3';
import type { Db } from '../host/sqlite';

/** The resource kinds of cosmosdb-server we keep; partition key ranges are derived, UDFs unsupported. */
export type CosmosKind = 'Databases' | 'Collections' | 'Documents';
export const PERSISTED_KINDS: readonly string[] = ['Databases', 'Collections', 'Documents'];

export interface JournalRow {
  kind: CosmosKind;
  owner: string;
  rid: string;
  data: Record<string, unknown>;
}

/**
 * The emulator's resources as rows (one per database, container and document, keyed by its `_rid`
 * under its owner's `_rid`). Rewriting a row gives it a new `seq`, so reading by `seq` reproduces the
 * emulator's own insertion order, which query results follow.
 */
export class CosmosJournal {
  private readonly putItem: Statement;
  private readonly putCounter: Statement;
  private readonly inTransaction: (fn: () => unknown) => unknown;

  constructor(private readonly db: Db) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS cosmos_items (seq INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, owner TEXT NOT NULL,
        rid TEXT NOT NULL, data TEXT NOT NULL, UNIQUE (kind, owner, rid));
      CREATE TABLE IF NOT EXISTS cosmos_counters (kind TEXT NOT NULL, owner TEXT NOT NULL, count INTEGER NOT NULL, PRIMARY KEY (kind, owner));
    `);
    // prepared once: every emulator write passes here
    this.putItem = db.prepare(
      'INSERT OR REPLACE INTO cosmos_items (kind, owner, rid, data) VALUES (?, ?, ?, ?)',
    );
    this.putCounter = db.prepare(
      'INSERT OR REPLACE INTO cosmos_counters (kind, owner, count) VALUES (?, ?, ?)',
    );
    this.inTransaction = db.transaction((fn: () => unknown) => fn());
  }

  /** Runs `fn` atomically; nested calls join the outer transaction. */
  atomically<T>(fn: () => T): T {
    return this.db.inTransaction ? fn() : (this.inTransaction(fn) as T);
  }

  put(kind: CosmosKind, owner: string, data: Record<string, unknown>, ridCount: number): void {
    this.putItem.run(kind, owner, String(data['_rid']), JSON.stringify(data));
    this.putCounter.run(kind, owner, ridCount);
  }

  /** Removes a resource and everything below it, as the emulator forgets a deleted container's documents. */
  remove(kind: CosmosKind, owner: string, rid: string): void {
    this.db
      .prepare('DELETE FROM cosmos_items WHERE kind = ? AND owner = ? AND rid = ?')
      .run(kind, owner, rid);
    if (kind === 'Databases') {
      const colls = this.db
        .prepare("SELECT rid FROM cosmos_items WHERE kind = 'Collections' AND owner = ?")
        .all(rid) as { rid: string }[];
      colls.forEach((c) => this.remove('Collections', rid, c.rid));
    }
    if (kind === 'Collections') {
      this.db.prepare("DELETE FROM cosmos_items WHERE kind = 'Documents' AND owner = ?").run(rid);
      this.db.prepare("DELETE FROM cosmos_counters WHERE kind = 'Documents' AND owner = ?").run(rid);
    }
  }

  rows(kind: CosmosKind): JournalRow[] {
    const rows = this.db
      .prepare('SELECT kind, owner, rid, data FROM cosmos_items WHERE kind = ? ORDER BY seq')
      .all(kind) as {
      kind: CosmosKind;
      owner: string;
      rid: string;
      data: string;
    }[];
    return rows.map((r) => ({ ...r, data: JSON.parse(r.data) as Record<string, unknown> }));
  }

  counter(kind: CosmosKind, owner: string): number | undefined {
    const row = this.db
      .prepare('SELECT count FROM cosmos_counters WHERE kind = ? AND owner = ?')
      .get(kind, owner) as { count: number } | undefined;
    return row?.count;
  }
}
