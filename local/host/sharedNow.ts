/**
 * The virtual clock's now, readable from worker threads: Date in a worker is that thread's own, so the
 * main thread publishes each virtual instant here and a worker's Date (see installVirtualDate) reads it.
 */
export class SharedNow {
  readonly buffer = new SharedArrayBuffer(8);
  private readonly cell = new BigInt64Array(this.buffer);

  constructor(nowMs: number) {
    this.set(nowMs);
  }

  set(nowMs: number): void {
    Atomics.store(this.cell, 0, BigInt(Math.trunc(nowMs)));
  }

  get(): number {
    return Number(Atomics.load(this.cell, 0));
  }

  /** The reading side, in the worker, from the buffer it was handed. */
  static reader(buffer: SharedArrayBuffer): () => number {
    const cell = new BigInt64Array(buffer);
    return () => Number(Atomics.load(cell, 0));
  }
}
