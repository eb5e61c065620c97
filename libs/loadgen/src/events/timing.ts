import type { SeededRandom } from '../random';

export interface TimedSpan {
  startMs: number;
  endMs: number;
}

/** The children never take more than this share of their parent, leaving room for its own work. */
const MAX_CHILDREN_SHARE = 0.9;

/**
 * Children one after another inside their parent: each takes `share × parent duration`, jittered
 * (log-normal, σ 0.3), after a small gap; all scaled down together when they would overrun 90% of
 * the parent. Always within [parentStartMs, parentEndMs], never overlapping.
 */
export function layoutSequential(random: SeededRandom, parentStartMs: number, parentEndMs: number, shares: readonly number[]): TimedSpan[] {
  const parentMs = parentEndMs - parentStartMs;
  const gaps = shares.map(() => random.next() * 0.02 * parentMs);
  const durations = shares.map((share) => share * parentMs * random.logNormal(1, 0.3));
  const total = [...gaps, ...durations].reduce((sum, value) => sum + value, 0);
  const scale = total > MAX_CHILDREN_SHARE * parentMs ? (MAX_CHILDREN_SHARE * parentMs) / total : 1;
  let cursor = parentStartMs;
  return durations.map((duration, index) => {
    const startMs = cursor + gaps[index] * scale;
    const endMs = startMs + duration * scale;
    cursor = endMs;
    return { startMs, endMs };
  });
}
