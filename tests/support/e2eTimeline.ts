import type { E2eRuntime } from './e2eRuntime';
import { CampaignDays, type FeedRow, type Message } from './e2eTransactions';

/** Real-time messages of a day are published at this local time; transactions start before it. */
export const PUBLISH_HOUR = 10;
export const PUBLISH_MINUTE = 30;
/** A business date's feed file is dropped at this local hour of the next day. */
export const FEED_HOUR = 1;

/**
 * A campaign played one local day at a time on the virtual clock: each day's real-time messages at
 * 10:30 local, then that business date's feed file (header-only when nothing changed, as SPEC §2 requires)
 * at 01:00 local the next day. A day's feed can be skipped (late) and dropped later.
 */
export class Timeline {
  private readonly realtime = new Map<number, Message[]>();
  private readonly feed = new Map<number, FeedRow[]>();
  /** Next step to play: realtime of `day` (phase 0) or the feed of `day` (phase 1). */
  private cursor = { day: 0, phase: 0 as 0 | 1 };

  constructor(
    readonly rt: E2eRuntime,
    readonly days: CampaignDays,
    private readonly o: {
      skipFeed?: ReadonlySet<number>;
      order?: (m: Message[], day: number) => Message[];
    } = {},
  ) {}

  publishOn(day: number, ...messages: Message[]): this {
    this.realtime.set(day, [...(this.realtime.get(day) ?? []), ...messages]);
    return this;
  }

  feedOn(day: number, ...rows: FeedRow[]): this {
    this.feed.set(day, [...(this.feed.get(day) ?? []), ...rows]);
    return this;
  }

  rowsOf(day: number): FeedRow[] {
    return this.feed.get(day) ?? [];
  }

  messagesOf(day: number): Message[] {
    return this.realtime.get(day) ?? [];
  }

  /** Plays up to and including the real-time messages of `day`. */
  async realtimeOf(day: number): Promise<void> {
    await this.playUntil(day, 0);
  }

  /** Plays up to and including the feed file of `day` (dropped at 01:00 local on the next day). */
  async through(day: number): Promise<void> {
    await this.playUntil(day, 1);
  }

  /** Drops a day's feed file now (e.g. a late one). */
  async dropLate(day: number): Promise<void> {
    await this.rt.dropFeed(this.days.date(day), this.rowsOf(day));
    await this.rt.idle();
  }

  private async playUntil(day: number, phase: 0 | 1): Promise<void> {
    while (this.cursor.day < day || (this.cursor.day === day && this.cursor.phase <= phase)) {
      const d = this.cursor.day;
      if (this.cursor.phase === 0) {
        await this.rt.advanceTo(this.days.at(d, PUBLISH_HOUR, PUBLISH_MINUTE));
        const due = this.messagesOf(d);
        const ordered = this.o.order ? this.o.order(due, d) : due;
        if (ordered.length > 0) {
          await this.rt.publish(ordered);
          await this.rt.idle();
        }
        this.cursor = { day: d, phase: 1 };
      } else {
        await this.rt.advanceTo(this.days.at(d + 1, FEED_HOUR));
        if (!this.o.skipFeed?.has(d)) {
          await this.rt.dropFeed(this.days.date(d), this.rowsOf(d));
          await this.rt.idle();
        }
        this.cursor = { day: d + 1, phase: 0 };
      }
    }
  }
}
