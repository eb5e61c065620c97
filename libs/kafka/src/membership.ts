/**
 * Error types after which a member must rejoin its group. kafkajs's runner rejoins when an
 * error of one of these types comes out of `eachBatch`, but only when the type is on the error
 * itself: `consumer.commitOffsets` retries through kafkajs's retrier, which wraps a non-retriable
 * error (all of these are) in a `KafkaJSNonRetriableError` without the type, and the runner then
 * treats it as a crash it does not restart from ("The coordinator is not aware of this member").
 */
const REJOIN_TYPES: ReadonlySet<string> = new Set(['UNKNOWN_MEMBER_ID', 'REBALANCE_IN_PROGRESS', 'ILLEGAL_GENERATION', 'NOT_COORDINATOR_FOR_GROUP']);

/** The error in `error`'s cause chain that asks for a rejoin, if there is one. */
export function rejoinCause(error: unknown): Error | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 10; current = current.cause, depth++) {
    const type = (current as { type?: unknown }).type;
    if (typeof type === 'string' && REJOIN_TYPES.has(type)) return current;
  }
  return undefined;
}

/**
 * Heartbeats while a long piece of work (an insert) is in flight. kafkajs heartbeats only when
 * the application calls `heartbeat()` between batches, so an insert longer than the session
 * timeout used to get the member expelled. A heartbeat that answers "rebalance" or "unknown
 * member" is kept in `lost` for the caller to throw once the work is done (the runner then
 * rejoins); other heartbeat failures (a connection blip) are left to the next beat.
 */
export class HeartbeatPump {
  private lostMembership: Error | undefined;

  constructor(
    private readonly heartbeat: () => Promise<void>,
    private readonly intervalMs: number,
  ) {}

  /** The first rejoin error a background heartbeat saw, if any. */
  get lost(): Error | undefined {
    return this.lostMembership;
  }

  /** Settles as `work` does, heartbeating every `intervalMs` until then (not after a lost membership). */
  async around<T>(work: Promise<T>): Promise<T> {
    const timer = setInterval(() => {
      if (this.lostMembership) return;
      this.heartbeat().catch((error: unknown) => {
        this.lostMembership ??= rejoinCause(error);
      });
    }, this.intervalMs);
    try {
      return await work;
    } finally {
      clearInterval(timer);
    }
  }
}
