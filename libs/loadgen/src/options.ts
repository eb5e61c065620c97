import type { LoadProgress, SendOutcome } from './load-stats';
import { LoadOptionsError } from './load-options-error';
import { DEFAULT_MIX, EnvelopeKind, EventMix, normalizeMix } from './mix';
import { randomSeed } from './random';

/** One finished send, for callers that track freshness or want every result (`onEnvelope`). */
export interface EnvelopeReport {
  kind: EnvelopeKind;
  events: number;
  projectId: string;
  /** Epoch ms the envelope was built and handed to the connection (also `sent_at` and the `loadgen.sent_at` tag). */
  sentAtMs: number;
  /** Trace ids of the transactions and errors inside: look them up in storage to see when they arrived. */
  traceIds: readonly string[];
  outcome: SendOutcome;
}

export interface LoadOptions {
  /** One or more DSNs (projects); events are spread evenly over them. */
  dsns: readonly string[];
  /** Events per second, open loop; `'max'` or 0 for closed loop (as fast as `concurrency` allows). */
  rate: number | 'max';
  durationS: number;
  /** Most requests in flight (and keep-alive connections per host). Default 32. */
  concurrency?: number;
  /** Content seed; default a random one (in the summary, to replay the run). */
  seed?: number;
  /** Seed of the ids; default a random one, so two runs with one seed do not store the same ids. */
  idSeed?: number;
  /** Weights per event kind; kinds left out are not sent. Default DEFAULT_MIX. */
  mix?: Partial<EventMix>;
  /** Size of the user pool. Default 1000. */
  users?: number;
  /**
   * Events that share one pageload's or server transaction's content, each rendered with fresh ids
   * and current timestamps (WorkloadOptions.reuse). Default 16; 1 builds every envelope.
   */
  reuse?: number;
  /** Per request. Default 10 s. */
  timeoutMs?: number;
  /** How long to wait for the last responses after sending stops. Default `timeoutMs`. */
  drainTimeoutMs?: number;
  /** Allow DSN hosts other than 127.0.0.1, localhost and [::1]. */
  allowRemote?: boolean;
  /** Tag classic transactions and errors with `loadgen.sent_at` (epoch ms). Default true. */
  tagSentAt?: boolean;
  /** Aborting stops sending; the run then waits for the sends in flight and returns its summary. */
  signal?: AbortSignal;
  progressIntervalMs?: number;
  onProgress?: (progress: LoadProgress) => void;
  /** Called after each send; keep it cheap, it runs on the sending thread. */
  onEnvelope?: (report: EnvelopeReport) => void;
}

export interface ResolvedLoadOptions {
  dsns: readonly string[];
  /** null: closed loop. */
  eventsPerS: number | null;
  durationS: number;
  concurrency: number;
  seed: number;
  idSeed: number;
  mix: EventMix;
  users: number;
  reuse: number;
  timeoutMs: number;
  drainTimeoutMs: number;
  allowRemote: boolean;
  tagSentAt: boolean;
  progressIntervalMs: number;
}

export const DEFAULTS = { concurrency: 32, users: 1000, reuse: 16, timeoutMs: 10_000, progressIntervalMs: 1000 } as const;
/** Above this the generator itself cannot keep up on one core anyway. */
export const MAX_RATE = 1_000_000;

function check(condition: boolean, message: string): void {
  if (!condition) throw new LoadOptionsError(message);
}

const isIntegerIn = (value: number, min: number, max: number): boolean => Number.isInteger(value) && value >= min && value <= max;

export function resolveLoadOptions(options: LoadOptions): ResolvedLoadOptions {
  const { rate } = options;
  check(rate === 'max' || (typeof rate === 'number' && Number.isFinite(rate) && rate >= 0 && rate <= MAX_RATE), `rate must be a number of events/s in [0, ${MAX_RATE}] or 'max', got ${String(rate)}`);
  check(Number.isFinite(options.durationS) && options.durationS > 0, `duration must be a positive number of seconds, got ${options.durationS}`);
  const concurrency = options.concurrency ?? DEFAULTS.concurrency;
  check(isIntegerIn(concurrency, 1, 10_000), `concurrency must be an integer in [1, 10000], got ${concurrency}`);
  const users = options.users ?? DEFAULTS.users;
  check(isIntegerIn(users, 0, 10_000_000), `users must be an integer in [0, 10000000], got ${users}`);
  const reuse = options.reuse ?? DEFAULTS.reuse;
  check(isIntegerIn(reuse, 1, 1_000_000), `reuse must be an integer in [1, 1000000], got ${reuse}`);
  const timeoutMs = options.timeoutMs ?? DEFAULTS.timeoutMs;
  check(Number.isFinite(timeoutMs) && timeoutMs > 0, `timeout must be positive, got ${timeoutMs}`);
  const drainTimeoutMs = options.drainTimeoutMs ?? timeoutMs;
  check(Number.isFinite(drainTimeoutMs) && drainTimeoutMs >= 0, `drain timeout must be non-negative, got ${drainTimeoutMs}`);
  const progressIntervalMs = options.progressIntervalMs ?? DEFAULTS.progressIntervalMs;
  check(Number.isFinite(progressIntervalMs) && progressIntervalMs >= 10, `progress interval must be at least 10 ms, got ${progressIntervalMs}`);
  for (const [name, seed] of [['seed', options.seed], ['idSeed', options.idSeed]] as const) {
    check(seed === undefined || isIntegerIn(seed, 0, 2 ** 32 - 1), `${name} must be an integer in [0, 2^32), got ${seed}`);
  }
  let mix: EventMix;
  try {
    mix = options.mix ? normalizeMix(options.mix) : { ...DEFAULT_MIX };
  } catch (error) {
    throw new LoadOptionsError((error as Error).message);
  }
  return {
    dsns: options.dsns,
    eventsPerS: rate === 'max' || rate === 0 ? null : rate,
    durationS: options.durationS,
    concurrency,
    seed: options.seed ?? randomSeed(),
    idSeed: options.idSeed ?? randomSeed(),
    mix,
    users,
    reuse,
    timeoutMs,
    drainTimeoutMs,
    allowRemote: options.allowRemote ?? false,
    tagSentAt: options.tagSentAt ?? true,
    progressIntervalMs,
  };
}
