import type { ClientContext, ClientPool } from '../clients';
import { dynamicSamplingContext, toIso } from '../envelope';
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

/**
 * The header of an envelope about one trace, as every SDK here sends it: the event id when it
 * carries an event, when it was sent, the SDK, and the trace's dynamic sampling context (its
 * sample_rand is the envelope's next draw of `ctx.random`).
 */
export function traceEnvelopeHeader(
  ctx: BuildContext,
  sdkName: string,
  sdkVersion: string,
  traceId: string,
  client: ClientContext,
  transaction: string | undefined,
  eventId?: string,
): Record<string, unknown> {
  return {
    ...(eventId !== undefined && { event_id: eventId }),
    sent_at: toIso(ctx.nowMs),
    sdk: { name: sdkName, version: sdkVersion },
    trace: dynamicSamplingContext({
      traceId,
      publicKey: ctx.publicKey,
      release: client.release.name,
      environment: client.environment,
      transaction,
      sampleRand: Number(ctx.random.next().toFixed(6)),
    }),
  };
}
