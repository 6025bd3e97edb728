/** Work the engine did, for benchmarks that report durable actions per member. */
export interface DurableCounters {
  /** Orchestrator invocations (one per delivered event). */
  episodes: number;
  /** History events replayed across all episodes (the cost of replay). */
  replayedEvents: number;
  activities: number;
  entityOperations: number;
  entityBatches: number;
  /** Entity batches aborted by an invocation error (their messages were kept for a retry). */
  entityBatchFailures: number;
  /** Entity messages delivered before a message sent earlier to the same entity (adversarial delivery). */
  entityMessagesOvertaking: number;
  /** Client signals delivered a second time (adversarial delivery). */
  entityMessagesRedelivered: number;
  timersFired: number;
  /** Durable client status queries of the instance (`getStatus`). */
  statusQueries: number;
  /** Durable client reads of the entity's state (`readEntityState`). */
  entityStateReads: number;
}

export interface DurableStats {
  total: DurableCounters;
  /** Keyed by orchestration instance id (episodes, replays, activities, timers) or entity id `@name@key`. */
  byInstance: Record<string, DurableCounters>;
}

/** Counters at zero. */
export const zeroCounters = (): DurableCounters => ({
  episodes: 0,
  replayedEvents: 0,
  activities: 0,
  entityOperations: 0,
  entityBatches: 0,
  entityBatchFailures: 0,
  entityMessagesOvertaking: 0,
  entityMessagesRedelivered: 0,
  timersFired: 0,
  statusQueries: 0,
  entityStateReads: 0,
});

/** In-memory counters since the engine was created (not persisted: a restart starts from zero). */
export class CounterBook {
  private readonly total = zeroCounters();
  private readonly byInstance = new Map<string, DurableCounters>();

  add(id: string, counter: keyof DurableCounters, amount = 1): void {
    this.total[counter] += amount;
    let entry = this.byInstance.get(id);
    if (!entry) {
      entry = zeroCounters();
      this.byInstance.set(id, entry);
    }
    entry[counter] += amount;
  }

  snapshot(): DurableStats {
    return {
      total: { ...this.total },
      byInstance: Object.fromEntries([...this.byInstance].map(([id, c]) => [id, { ...c }])),
    };
  }
}
