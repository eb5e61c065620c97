/** Time windows of a chaos run: when ingest answered 503, when the cluster could not take writes. Pure. */

export interface Window {
  startMs: number;
  endMs: number;
}

/** Intervals merged where they overlap or lie less than `gapMs` apart; sorted by start. */
export function mergeWindows(intervals: readonly Window[], gapMs: number): Window[] {
  const sorted = [...intervals].sort((a, b) => a.startMs - b.startMs);
  const merged: Window[] = [];
  for (const interval of sorted) {
    const last = merged[merged.length - 1];
    if (last && interval.startMs - last.endMs <= gapMs) last.endMs = Math.max(last.endMs, interval.endMs);
    else merged.push({ ...interval });
  }
  return merged;
}

/**
 * Windows of a boolean series sampled over time (the cluster's writability, polled): a window runs
 * from the first sample where `bad` holds to the first later sample where it does not (the last
 * sample's time when it never stops).
 */
export function windowsOfSamples<T extends { atMs: number }>(samples: readonly T[], bad: (sample: T) => boolean): Window[] {
  const windows: Window[] = [];
  let open: Window | undefined;
  for (const sample of samples) {
    if (bad(sample)) {
      if (!open) windows.push((open = { startMs: sample.atMs, endMs: sample.atMs }));
      else open.endMs = sample.atMs;
    } else if (open) {
      open.endMs = sample.atMs;
      open = undefined;
    }
  }
  return windows;
}

/** A request and the time it was open: from sending it to its answer. */
export interface Exchange {
  sentAtMs: number;
  answeredAtMs: number;
}

/**
 * The requests that were open at no time during any of `windows` (each widened by `slackMs` on both
 * sides, the polling granularity): an answer of 503 among them was given while the cluster could
 * take writes.
 */
export function outsideWindows<T extends Exchange>(exchanges: readonly T[], windows: readonly Window[], slackMs: number): T[] {
  return exchanges.filter((e) => !windows.some((w) => e.sentAtMs <= w.endMs + slackMs && e.answeredAtMs >= w.startMs - slackMs));
}

/** Window as seconds relative to `originMs` (the fault), for tables and the result file. */
export function relativeWindow(window: Window, originMs: number): { from_s: number; to_s: number; length_s: number } {
  const round = (ms: number): number => Math.round(ms / 100) / 10;
  return { from_s: round(window.startMs - originMs), to_s: round(window.endMs - originMs), length_s: round(window.endMs - window.startMs) };
}

export function formatWindows(windows: readonly Window[], originMs: number): string {
  if (windows.length === 0) return 'none';
  return windows
    .map((w) => {
      const r = relativeWindow(w, originMs);
      return `${r.from_s >= 0 ? '+' : ''}${r.from_s}…${r.to_s >= 0 ? '+' : ''}${r.to_s} s (${r.length_s} s)`;
    })
    .join(', ');
}
