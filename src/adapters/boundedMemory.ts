/**
 * A map that keeps at most `limit` entries, forgetting the oldest first. For facts that never change once
 * true (an enrolment, a transaction claim): forgetting one only costs asking the store again.
 */
export class BoundedMemory<V> {
  private readonly entries = new Map<string, V>();

  constructor(private readonly limit: number) {}

  get(key: string): V | undefined {
    return this.entries.get(key);
  }

  remember(key: string, value: V): void {
    if (!this.entries.has(key) && this.entries.size >= this.limit) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, value);
  }
}
