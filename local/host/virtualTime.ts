import type { Db } from './sqlite';

/**
 * Where a virtual clock's time is kept between runs, so a restart (even after `kill -9`) resumes at the
 * virtual instant it had reached instead of jumping back to its start.
 */
export function virtualTimeStore(db: Db) {
  db.exec(
    'CREATE TABLE IF NOT EXISTS virtual_clock (id INTEGER PRIMARY KEY CHECK (id = 1), now INTEGER NOT NULL)',
  );
  const save = db.prepare(
    'INSERT INTO virtual_clock (id, now) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET now = excluded.now',
  );
  return {
    load(): number | undefined {
      return (db.prepare('SELECT now FROM virtual_clock WHERE id = 1').get() as { now: number } | undefined)
        ?.now;
    },
    save(nowMs: number): void {
      save.run(nowMs);
    },
  };
}
