import type { ErrorEvent } from '@pulse/protocol';
import type { ErrorRecord, ExceptionRecord } from '../error.record';

/**
 * What every grouping config reads of one error: the event as the SDK sent it (a frozen config
 * rebuilds its own view from it, so later changes to normalization never move its hashes) and the
 * normalized parts (in-app rules applied, stacks taken from threads) the current config reads.
 */
export interface GroupingSource {
  event: ErrorEvent;
  platform: string;
  /** The normalized chain, outermost last; for a message event with a thread stack, one type-less exception holding it. */
  exceptions: readonly ExceptionRecord[];
  /** True when `exceptions` is that thread stack of a message event (no exception was sent). */
  fromThread: boolean;
  /** The formatted message (normalizeError's `message`). */
  message: string;
  /** The log template (`logentry.message`), '' when none. */
  template: string;
  level: ErrorRecord['level'];
  tags: Readonly<Record<string, string>>;
}

/** A versioned grouping algorithm: once released, its `fingerprint` never changes (docs/issues.md, "Grouping"). */
export interface GroupingConfig {
  readonly id: string;
  fingerprint(source: GroupingSource): string;
}
