import { freePorts, LocalKafka } from '@pulse/local-infra';
import { mkdtempSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeOtlpTracesProtobuf, parseOtlpProtoFiles } from '@pulse/protocol/testing';
import { transactionEvent } from '@pulse/testing/fixtures';
import { E2EStack } from './support/e2e-stack';
import { request } from '@pulse/testing';

/**
 * Ingest in front of a broker of its own that the test stops: while Kafka cannot take data,
 * ingest answers 503 with Retry-After (at once past the pending-bytes bound) instead of buffering,
 * and it takes data again once the broker is back.
 */
jest.setTimeout(240_000);

describe('ingest while Kafka is down', () => {
  const stack = new E2EStack([{ id: 9 }]);
  let kafka: LocalKafka;

  beforeAll(async () => {
    const [port, controllerPort] = await freePorts(2);
    kafka = new LocalKafka({ port, controllerPort, stateDir: mkdtempSync(join(tmpdir(), 'pulse-outage-kafka-')) });
    await kafka.start();
    // 20 KB of pending data is the bound: a few dozen waiting transactions.
    await stack.start({ KAFKA_BROKERS: kafka.endpoint, PRODUCER_MAX_PENDING_BYTES: String(20 * 1024) }, ['ingest']);
  });

  afterAll(async () => {
    await stack.stop();
    await kafka.stop();
  });

  const send = () => {
    const now = Date.now() / 1000;
    const body = JSON.stringify(transactionEvent({ event_id: undefined, start_timestamp: now - 0.1, timestamp: now }));
    return request(`${stack.app('ingest').url}/api/9/store/?sentry_key=${stack.project(9).key}`, { method: 'POST', body });
  };

  /** One OTLP protobuf export of a server span ending now. */
  const sendOtlp = async () => {
    const nowNs = BigInt(Date.now()) * 1_000_000n;
    const span = { traceId: randomBytes(16).toString('hex'), spanId: randomBytes(8).toString('hex'), name: 'GET /outage', kind: 2, startTimeUnixNano: String(nowNs - 50_000_000n), endTimeUnixNano: String(nowNs) };
    const body = encodeOtlpTracesProtobuf({ resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ spans: [span] }] }] });
    const response = await fetch(`${stack.app('ingest').url}/api/9/integration/otlp/v1/traces`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/x-protobuf', 'x-sentry-auth': `sentry sentry_key=${stack.project(9).key}` },
    });
    return { status: response.status, headers: response.headers, bytes: Buffer.from(await response.arrayBuffer()) };
  };

  it('answers 503 with Retry-After while the broker is gone, and 200 again after it returns', async () => {
    expect((await send()).status).toBe(200);
    expect((await sendOtlp()).status).toBe(200);
    await kafka.stop();

    const during = await Promise.all(Array.from({ length: 200 }, send));
    const statuses = during.map((r) => r.status);
    expect(statuses.every((status) => status === 503)).toBe(true);
    for (const response of during) expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    // An OTLP exporter gets the retryable answer the OTLP spec names: 503, Retry-After, google.rpc.Status UNAVAILABLE.
    const otlp = await sendOtlp();
    expect(otlp.status).toBe(503);
    expect(Number(otlp.headers.get('retry-after'))).toBeGreaterThan(0);
    const rpcStatus = parseOtlpProtoFiles().lookupType('google.rpc.Status');
    expect(rpcStatus.toObject(rpcStatus.decode(otlp.bytes))).toEqual({ code: 14, message: 'events could not be handed to Kafka; retry later' });
    // Past the pending-bytes bound, requests were refused at once rather than held while kafkajs retried.
    const metrics = await stack.metricsText('ingest');
    const overloaded = Number(/pulse_ingest_events_total\{kind="transaction",outcome="overloaded"[^}]*\} (\d+)/.exec(metrics)?.[1] ?? 0);
    expect(overloaded).toBeGreaterThan(0);

    await kafka.start();
    const deadline = Date.now() + 60_000;
    let status = 0;
    while (status !== 200) {
      if (Date.now() > deadline) throw new Error(`ingest did not recover; last status ${status}`);
      status = (await send()).status;
    }
    expect((await sendOtlp()).status).toBe(200);
  });
});
