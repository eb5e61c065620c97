/**
 * The workload both OpenTelemetry programs (node-app.ts, python_app.py) replay through their SDK:
 * planned by the test, handed to the program as JSON on stdin, so the test knows every duration,
 * status and parent link it expects back from the query API without trusting the program's word
 * for them. Each trace is one `GET /orders/:id` SERVER span (a local root: a transaction) with a
 * database CLIENT span and an INTERNAL span under it; every sixth request fails with HTTP 500 and
 * status ERROR, and one INTERNAL span calls code that throws (the recorded exception).
 *
 * Ids come from the programs' deterministic id generator (`idPrefix` + a counter, in the order
 * spans start), so replaying the same workload exports the very same spans again: a client's
 * retry of the same export.
 */
import { logNormal, seededRandom } from '@pulse/testing';

export type PlannedKind = 'server' | 'client' | 'internal';

export interface PlannedSpan {
  name: string;
  kind: PlannedKind;
  /** Epoch milliseconds, whole. */
  startMs: number;
  endMs: number;
  attributes: Record<string, string | number>;
  /** Status ERROR with this message; absent: status UNSET. */
  error?: string;
  /** The span runs the program's `chargeCard` / `charge_card`, which throws; the span records the exception. */
  throws?: string;
  children: PlannedSpan[];
}

export interface Workload {
  /** 8 hex characters: every trace id starts with it, and every span id with its first 4. */
  idPrefix: string;
  traces: PlannedSpan[];
}

/** What a program reports on stdout after its SDK exported and shut down. */
export interface ExportReport {
  traces: Array<{ traceId: string; spans: Array<{ spanId: string; parentSpanId: string; name: string }> }>;
  /** The recorded exception as the SDK saw it (its stack or traceback text). */
  exception: { traceId: string; spanId: string; type: string; message: string; stack: string };
  /** Spans the exporter delivered (the endpoint answered success) and the errors of exports that failed. */
  exported: { spans: number; failures: string[] };
}

export const ROUTE = '/orders/:id';
export const TRANSACTION_NAME = `GET ${ROUTE}`;
export const DB_SPAN_NAME = 'SELECT orders';
export const RENDER_SPAN_NAME = 'render order';
export const CHARGE_SPAN_NAME = 'charge card';

/**
 * `count` requests, one every 10 s from `baseMs`, durations log-normal around 180 ms (seeded);
 * request `i` fails when i % 6 === 5; request `throwsAt` charges a card that is declined.
 */
export function planWorkload({ idPrefix, baseMs, count, seed, throwsAt }: { idPrefix: string; baseMs: number; count: number; seed: number; throwsAt: number }): Workload {
  if (!/^[0-9a-f]{8}$/.test(idPrefix) || /^0+$/.test(idPrefix)) throw new Error(`idPrefix must be 8 hex characters, not all zero: ${idPrefix}`);
  const random = seededRandom(seed);
  const traces = Array.from({ length: count }, (_, i): PlannedSpan => {
    const startMs = baseMs + i * 10_000;
    const durationMs = Math.max(20, Math.round(logNormal(random, 180, 0.8)));
    const at = (share: number) => startMs + Math.round(durationMs * share);
    const failed = i % 6 === 5;
    const children: PlannedSpan[] = [
      {
        name: DB_SPAN_NAME,
        kind: 'client',
        startMs: at(0.1),
        endMs: at(0.6),
        attributes: { 'db.system.name': 'postgresql', 'db.operation.name': 'SELECT', 'db.collection.name': 'orders', 'db.query.text': 'SELECT * FROM orders WHERE id = $1' },
        children: [],
      },
      { name: RENDER_SPAN_NAME, kind: 'internal', startMs: at(0.65), endMs: at(0.8), attributes: {}, children: [] },
    ];
    if (i === throwsAt) {
      children.push({ name: CHARGE_SPAN_NAME, kind: 'internal', startMs: at(0.82), endMs: at(0.95), attributes: {}, error: 'card declined', throws: `card declined for order ${i}`, children: [] });
    }
    return {
      name: TRANSACTION_NAME,
      kind: 'server',
      startMs,
      endMs: startMs + durationMs,
      attributes: {
        'http.request.method': 'GET',
        'http.route': ROUTE,
        'url.path': `/orders/${1000 + i}`,
        'url.scheme': 'http',
        'http.response.status_code': failed ? 500 : 200,
      },
      ...(failed ? { error: 'HTTP 500' } : {}),
      children,
    };
  });
  return { idPrefix, traces };
}

/** Every span of a planned trace, root first, then its children in order (depth first). */
export function plannedSpans(root: PlannedSpan): PlannedSpan[] {
  return [root, ...root.children.flatMap(plannedSpans)];
}
