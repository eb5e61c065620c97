import type { BuiltEnvelope } from '../envelope';
import type { OtlpJsonTracesRequest } from '../otlp';
import type { BuildContext } from './build-context';
import { otlpServerTraces } from './server-otlp';
import { classicServerEnvelope, drawServerTransaction, streamedServerEnvelope } from './server-transaction';

/**
 * One server transaction in every form a Node service can send it: a classic `transaction` item
 * (the Sentry Node SDK with `traceLifecycle: 'static'`, and before 11.x), a span-v2 batch
 * (streamed, the 11.x default), and an OTLP trace export (the OpenTelemetry SDK alone). The same
 * trace, span ids, names, times and statuses in each, so what ingest spends on each form can be
 * compared span for span.
 */
export interface ServerTraceForms {
  projectIndex: number;
  traceId: string;
  /** Spans in the trace: the transaction's own (segment, root) and its children. */
  spans: number;
  classic: BuiltEnvelope;
  streamed: BuiltEnvelope;
  otlp: OtlpJsonTracesRequest;
}

export function serverTraceForms(ctx: BuildContext, projectIndex: number): ServerTraceForms {
  const tx = drawServerTransaction(ctx);
  return {
    projectIndex,
    traceId: tx.traceId,
    spans: 1 + tx.children.length,
    classic: classicServerEnvelope(tx, ctx),
    streamed: streamedServerEnvelope(tx, ctx),
    otlp: otlpServerTraces(tx),
  };
}
