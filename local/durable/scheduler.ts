import { runActivity } from './activityStep';
import { errorText, type EngineCore } from './core';
import { runEntityBatch } from './entityStep';
import { runEpisode } from './orchestrationStep';

/**
 * Dispatches queued work: one episode at a time per instance, one batch at a time per entity, and up
 * to `maxActivities` activities at once. Work that throws unexpectedly (a store failure, not a user
 * error) is parked until restart instead of being retried in a hot loop.
 */
export class Scheduler {
  private inflight = 0;
  private accepting = true;
  private pumpQueued = false;
  private readonly busyInstances = new Set<string>();
  private readonly busyEntities = new Set<string>();
  private readonly runningActivities = new Set<number>();
  private readonly parked = new Set<string>();
  /** Failed entity batches in a row, per entity (drives the retry backoff). */
  private readonly entityFailures = new Map<string, number>();
  private waiters: Array<() => void> = [];

  constructor(
    private readonly core: EngineCore,
    private readonly maxActivities: number,
  ) {}

  /** Looks for work on the next turn of the event loop (many wake-ups share one look). */
  wake(): void {
    if (this.pumpQueued || !this.accepting) return;
    this.pumpQueued = true;
    setImmediate(() => {
      this.pumpQueued = false;
      this.pump();
    });
  }

  /** Starts every piece of work that is runnable now. */
  pump(): void {
    if (!this.accepting || this.core.halted()) return;
    const { store } = this.core;
    for (const id of store.instancesWithEvents()) {
      if (!this.busyInstances.has(id) && !this.parked.has(`o:${id}`))
        this.track(this.busyInstances, id, `o:${id}`, () => runEpisode(this.core, id));
    }
    for (const id of store.entitiesWithMessages()) {
      if (!this.busyEntities.has(id) && !this.parked.has(`e:${id}`))
        this.track(this.busyEntities, id, `e:${id}`, () => this.entityBatch(id));
    }
    const free = this.maxActivities - this.runningActivities.size;
    if (free <= 0) return;
    const skip = new Set([
      ...this.runningActivities,
      ...[...this.parked].filter((k) => k.startsWith('a:')).map((k) => Number(k.slice(2))),
    ]);
    for (const item of store.activities(skip, free)) {
      this.track(this.runningActivities, item.seq, `a:${item.seq}`, () => runActivity(this.core, item));
    }
  }

  /**
   * One entity batch; an aborted batch (invocation error) is retried after a backoff that doubles from
   * 100 ms up to 30 s of real time, its messages kept (the Azure Storage provider abandons the work item
   * and sees it again after a backoff). Meanwhile the entity does not count as runnable for `whenIdle`.
   */
  private async entityBatch(id: string): Promise<void> {
    const hold = this.core.delivery.holdMs();
    if (hold > 0) await new Promise((resolve) => setTimeout(resolve, hold));
    const result = await runEntityBatch(this.core, id);
    if (!result.retryAfterFailure) {
      this.entityFailures.delete(id);
      return;
    }
    const failures = (this.entityFailures.get(id) ?? 0) + 1;
    this.entityFailures.set(id, failures);
    this.core.counters.add(id, 'entityBatchFailures');
    const key = `e:${id}`;
    this.parked.add(key);
    setTimeout(
      () => {
        this.parked.delete(key);
        this.wake();
      },
      Math.min(100 * 2 ** (failures - 1), 30_000),
    ).unref();
  }

  private track<K>(busy: Set<K>, key: K, parkKey: string, work: () => Promise<void>): void {
    busy.add(key);
    this.inflight++;
    void work()
      .catch((error: unknown) => {
        this.parked.add(parkKey);
        this.core.log(`durable engine: ${parkKey} parked until restart: ${errorText(error)}`);
      })
      .finally(() => {
        busy.delete(key);
        this.inflight--;
        const waiters = this.waiters;
        this.waiters = [];
        waiters.forEach((resolve) => resolve());
        this.wake();
      });
  }

  private changed(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Resolves once nothing is running and nothing queued can start. */
  async whenIdle(): Promise<void> {
    for (;;) {
      this.pump();
      if (this.inflight === 0 || this.core.halted()) return;
      await this.changed();
    }
  }

  /** Stops taking work and waits (up to `graceMs` of real time) for running work to commit. */
  async drain(graceMs: number): Promise<void> {
    this.accepting = false;
    const deadline = Date.now() + graceMs;
    while (this.inflight > 0 && Date.now() < deadline) {
      await Promise.race([this.changed(), new Promise<void>((resolve) => setTimeout(resolve, 50).unref())]);
    }
  }
}
