import type { OffsetIntent } from './offset-intent';
import type { ConsumedMessage } from './record-batch';

/** Contiguous messages of one partition that are inserted together under one token. */
export interface Chunk {
  messages: ConsumedMessage[];
  range: OffsetIntent;
  /** True when the range was fixed by an earlier run's intent and its intent is already committed. */
  replay: boolean;
}

/**
 * Cuts one partition's fetched messages into chunks of at most `maxRows`. After an intent was
 * found beside the committed offset, the first chunk is exactly that intent's range, however the
 * new fetches happen to be sized: messages are held back across fetches until the range is
 * complete. (A fetch can come back shorter than the one that produced the intent, e.g. when other
 * partitions used up the response's byte budget.)
 */
export class PartitionCutter {
  private pinned: OffsetIntent | undefined;
  private held: ConsumedMessage[] = [];

  constructor(private readonly maxRows: number) {}

  /** Replays `intent` first if the partition resumes exactly where it starts. */
  pin(intent: OffsetIntent | undefined, committedOffset: string): void {
    this.pinned = intent && intent.first === committedOffset ? intent : undefined;
    this.held = [];
  }

  /** True while messages are held back waiting for the rest of a pinned range. */
  get holding(): boolean {
    return this.held.length > 0;
  }

  cut(messages: ConsumedMessage[]): Chunk[] {
    let rest = messages;
    const chunks: Chunk[] = [];
    if (this.pinned) {
      const pinned = this.pinned;
      if (this.held.length === 0 && rest.length > 0 && rest[0].offset !== pinned.first) {
        // The range's first message is gone (retention deleted it): nothing to replay exactly.
        this.pinned = undefined;
      } else {
        const last = BigInt(pinned.last);
        const inRange = rest.filter((message) => BigInt(message.offset) <= last);
        this.held.push(...inRange);
        rest = rest.slice(inRange.length);
        const complete = this.held.length > 0 && BigInt(this.held[this.held.length - 1].offset) === last;
        if (!complete && rest.length === 0) return [];
        chunks.push({ messages: this.held, range: pinned, replay: true });
        this.pinned = undefined;
        this.held = [];
      }
    }
    for (let start = 0; start < rest.length; start += this.maxRows) {
      const slice = rest.slice(start, start + this.maxRows);
      chunks.push({ messages: slice, range: { first: slice[0].offset, last: slice[slice.length - 1].offset }, replay: false });
    }
    return chunks;
  }
}
