import type { ClientPool } from '../clients';
import type { SeededRandom } from '../random';

/** What building one envelope needs. */
export interface BuildContext {
  /** Content draws (names, durations, statuses…): this envelope's own generator. */
  random: SeededRandom;
  /** Trace, span, event and session ids: a separate stream, so content replays even when ids differ. */
  ids: SeededRandom;
  clients: ClientPool;
  /** Epoch ms of the send: the event ends just before it. */
  nowMs: number;
  /** Of the project (DSN) the envelope goes to: the DSC's `public_key`. */
  publicKey: string;
  /** Tag classic transactions and error events with `loadgen.sent_at` (epoch ms) for freshness probes. */
  tagSentAt: boolean;
}

export const SENT_AT_TAG = 'loadgen.sent_at';

export function sentAtTags(ctx: BuildContext): Record<string, string> {
  return ctx.tagSentAt ? { [SENT_AT_TAG]: String(ctx.nowMs) } : {};
}
