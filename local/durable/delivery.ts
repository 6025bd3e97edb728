import type { QueuedEntityMessage } from './store';

/**
 * How entity messages are delivered (README.md § Delivery modes).
 * - `fifo`: in the order they were sent, each once (what Azure usually does).
 * - `adversarial`: what Azure may do at its worst. DurableTask's MessageSorter orders and de-duplicates
 *   the messages of each orchestration or entity sender, but client signals (`ParentInstanceId == null`:
 *   the Service Bus trigger, the feed, HTTP) skip it, and messages of different senders have no order
 *   between them. So each batch takes a random interleaving of the queued messages that keeps every
 *   sender's own order, and a delivered client signal is, with `duplicateProbability`, delivered once more
 *   later (a queue message seen again). Seeded: the seed fixes every choice; which messages are queued
 *   together at a choice still depends on timing.
 */
export type DeliveryOptions =
  | { mode: 'fifo' }
  | {
      mode: 'adversarial';
      seed: number;
      /** Chance that a delivered client signal is delivered again later (default 0.2). */
      duplicateProbability?: number;
      /**
       * Real-time milliseconds (at most) an entity batch waits before it starts, so that messages sent
       * close together are queued together and can overtake one another (default 5).
       */
      maxHoldMs?: number;
    };

export const FIFO_DELIVERY: DeliveryOptions = { mode: 'fifo' };

export const ADVERSARIAL_DEFAULTS = { duplicateProbability: 0.2, maxHoldMs: 5 };

/** What the entity step asks before a batch. */
export interface Delivery {
  readonly description: string;
  /** How many queued messages to look at for a batch of at most `batchSize`. */
  window(batchSize: number): number;
  /** The batch to deliver now, in delivery order, from `queued` (send order). */
  pick(queued: readonly QueuedEntityMessage[], batchSize: number): QueuedEntityMessage[];
  /** Which delivered messages are to be delivered once more, later. */
  redeliver(delivered: readonly QueuedEntityMessage[]): QueuedEntityMessage[];
  /** Real-time delay before the next batch of an entity starts. */
  holdMs(): number;
}

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A random interleaving of `items` that keeps the relative order of the items of each sender; items
 * without a sender (client signals) are each on their own and may go anywhere.
 */
export function interleave<T>(
  items: readonly T[],
  senderOf: (item: T) => string | undefined,
  random: () => number,
): T[] {
  const lanes: T[][] = [];
  const bySender = new Map<string, T[]>();
  for (const item of items) {
    const sender = senderOf(item);
    if (sender === undefined) {
      lanes.push([item]);
      continue;
    }
    let lane = bySender.get(sender);
    if (!lane) {
      lane = [];
      bySender.set(sender, lane);
      lanes.push(lane);
    }
    lane.push(item);
  }
  const out: T[] = [];
  // Choosing the next lane with probability proportional to what it has left makes every interleaving
  // equally likely.
  let left = items.length;
  while (left > 0) {
    let r = Math.floor(random() * left);
    const lane = lanes.find((l) => (r -= l.length) < 0)!;
    out.push(lane.shift()!);
    left -= 1;
  }
  return out;
}

const fifo: Delivery = {
  description: 'fifo',
  window: (batchSize) => batchSize,
  pick: (queued, batchSize) => queued.slice(0, batchSize),
  redeliver: () => [],
  holdMs: () => 0,
};

export function createDelivery(options: DeliveryOptions = FIFO_DELIVERY): Delivery {
  if (options.mode === 'fifo') return fifo;
  const duplicateProbability = options.duplicateProbability ?? ADVERSARIAL_DEFAULTS.duplicateProbability;
  const maxHoldMs = options.maxHoldMs ?? ADVERSARIAL_DEFAULTS.maxHoldMs;
  if (!(duplicateProbability >= 0 && duplicateProbability < 1))
    throw new Error(`duplicateProbability must be in [0, 1), got ${duplicateProbability}`);
  const random = seededRandom(options.seed);
  return {
    description: `adversarial (seed ${options.seed}, duplicates ${duplicateProbability}, hold ≤ ${maxHoldMs} ms)`,
    // Look past one batch so that a later message can overtake an earlier one of another sender.
    window: (batchSize) => batchSize * 4,
    pick(queued, batchSize) {
      const order = interleave(queued, (q) => q.message.sender, random);
      // Random batch boundaries too: a batch of 1..batchSize.
      return order.slice(0, 1 + Math.floor(random() * Math.min(batchSize, order.length)));
    },
    redeliver: (delivered) =>
      delivered.filter(
        (q) => q.message.sender === undefined && !q.message.redelivered && random() < duplicateProbability,
      ),
    holdMs: () => Math.floor(random() * (maxHoldMs + 1)),
  };
}

/** `--delivery fifo|adversarial` and `--seed N` as the runtime reads them. */
export function parseDelivery(mode: string, seed: string | undefined): DeliveryOptions {
  if (mode === 'fifo') {
    if (seed !== undefined) throw new Error('--seed applies to --delivery adversarial only');
    return FIFO_DELIVERY;
  }
  if (mode !== 'adversarial') throw new Error(`--delivery must be "fifo" or "adversarial", got "${mode}"`);
  if (seed === undefined) return { mode, seed: Math.floor(Math.random() * 2 ** 31) };
  if (!/^\d+$/.test(seed) || Number(seed) >= 2 ** 32)
    throw new Error(`--seed must be an integer from 0 to 4294967295, got "${seed}"`);
  return { mode, seed: Number(seed) };
}
