// A quick, bounded load on one ingest process (127.0.0.1 only) until `npm run loadgen` exists:
//   node dist/scripts/ingest-smoke-load.js --dsn <dsn> [--seconds 10] [--concurrency 32] [--spans 5]
// Each request is one envelope holding a span v2 batch: one segment (a transaction) and N child
// spans, as @sentry/node 11 sends them. Prints envelopes/s, records/s and client latency.
import { randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { dsn: { type: 'string' }, seconds: { type: 'string', default: '10' }, concurrency: { type: 'string', default: '32' }, spans: { type: 'string', default: '5' } },
});
if (!values.dsn) throw new Error('--dsn is required');
const dsn = new URL(values.dsn);
if (!['127.0.0.1', 'localhost', '[::1]'].includes(dsn.hostname)) throw new Error('this load only targets a local ingest (127.0.0.1)');
const projectId = dsn.pathname.replace(/\//g, '');
const path = `/api/${projectId}/envelope/?sentry_key=${dsn.username}&sentry_version=7`;
const seconds = Number(values.seconds);
const childSpans = Number(values.spans);
const agent = new Agent({ keepAlive: true, maxSockets: Number(values.concurrency) });

function envelope(): string {
  const traceId = randomBytes(16).toString('hex');
  const segmentId = randomBytes(8).toString('hex');
  const now = Date.now() / 1000;
  const attributes = (op: string) => ({
    'sentry.op': { type: 'string', value: op },
    'sentry.segment.id': { type: 'string', value: segmentId },
    'sentry.segment.name': { type: 'string', value: 'GET /api/orders/:id' },
    'sentry.release': { type: 'string', value: 'shop@1.4.0' },
    'sentry.environment': { type: 'string', value: 'production' },
    'sentry.sdk.name': { type: 'string', value: 'sentry.javascript.node' },
  });
  const items = [
    { name: 'GET /api/orders/:id', span_id: segmentId, trace_id: traceId, start_timestamp: now - 0.2, end_timestamp: now, is_segment: true, status: 'ok', attributes: attributes('http.server') },
    ...Array.from({ length: childSpans }, (_, i) => ({
      name: `SELECT orders ${i}`,
      span_id: randomBytes(8).toString('hex'),
      trace_id: traceId,
      parent_span_id: segmentId,
      start_timestamp: now - 0.15,
      end_timestamp: now - 0.1,
      is_segment: false,
      status: 'ok',
      attributes: attributes('db'),
    })),
  ];
  return `{"sent_at":"${new Date().toISOString()}"}\n{"type":"span","item_count":${items.length},"content_type":"application/vnd.sentry.items.span.v2+json"}\n${JSON.stringify({ version: 2, items })}`;
}

function send(body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: dsn.hostname, port: dsn.port, path, method: 'POST', agent, headers: { 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function main(): Promise<void> {
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  const deadline = Date.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Number(values.concurrency) }, async () => {
      while (Date.now() < deadline) {
        const t0 = performance.now();
        const status = await send(envelope());
        latencies.push(performance.now() - t0);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }
    }),
  );
  const elapsedS = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))].toFixed(1);
  const ok = statuses.get(200) ?? 0;
  console.log(
    JSON.stringify({
      envelopes_per_s: Math.round(ok / elapsedS),
      records_per_s: Math.round((ok * (childSpans + 1)) / elapsedS),
      statuses: Object.fromEntries(statuses),
      p50_ms: Number(at(0.5)),
      p99_ms: Number(at(0.99)),
      seconds: Number(elapsedS.toFixed(1)),
      concurrency: Number(values.concurrency),
    }),
  );
  agent.destroy();
}

void main();
