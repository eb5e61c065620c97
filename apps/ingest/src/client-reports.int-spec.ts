import { IngestConfig, ProjectRegistry } from '@pulse/config';
import { createKafka, decodeMessage, ensureTopics, SCHEMA_HEADER, TopicNames } from '@pulse/kafka';
import { clockDriftMs, ClientReportRecord, RecordKind } from '@pulse/model';
import { extractPublicKey } from '@pulse/protocol';
import { waitUntil } from '@pulse/local-infra';
import { testInfra, uniqueName } from '@pulse/testing';
import type { Consumer, Kafka } from 'kafkajs';
import { CompressionTypes } from 'kafkajs';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import pino from 'pino';
import { IngestService } from './ingest.service';
import { RateLimiter } from './rate-limiter';
import { KafkaRecordPublisher } from './record.publisher';
import { SegmentNames } from './segment-names';
import { eventMetrics } from './testing/event-metrics';

jest.setTimeout(60_000);

/*
 * Client reports as the Java, Python, Go and Rust SDKs really send them (test/fixtures/recorded/
 * *-client-report.json: an error and a transaction sent into a 429, then the report of the errors
 * the SDK discarded during its back-off), through the real ingest service into a real Kafka topic:
 * accepted, produced as `client-report/2` messages and counted, never charged to a quota.
 */

interface RecordedRequest {
  path: string;
  headers: Record<string, string>;
  bodyText?: string;
  bodyBase64?: string;
}

/** The SDKs' DSN: project 42, this key (test/fixtures/recorded/README.md). */
const FIXTURE_KEY = '0123456789abcdef0123456789abcdef';
const LIMITED_KEY = 'abcdef0123456789abcdef0123456789';
const RECORDED = resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'recorded');

function recorded(sdk: string): RecordedRequest[] {
  return JSON.parse(readFileSync(resolve(RECORDED, `${sdk}-client-report.json`), 'utf8')) as RecordedRequest[];
}

interface RecordedReport {
  request: RecordedRequest;
  header: { event_id?: string; sent_at?: string; sdk?: { name?: string }; trace?: { release?: string; environment?: string } };
  report: { timestamp: number | string; discarded_events: Array<{ reason: string; category: string; quantity: number }> };
}

/**
 * The requests of a recording that carry a client report (the report follows the back-off), each
 * with its envelope header and report as sent: the expectations are read from the recording, so a
 * new recording of the same scenario passes as well.
 */
function recordedReports(sdk: string): RecordedReport[] {
  const reports: RecordedReport[] = [];
  for (const request of recorded(sdk)) {
    const lines = bodyOf(request).toString('utf8').split('\n');
    const reportLine = lines.findIndex((line) => line.startsWith('{') && (JSON.parse(line) as { type?: unknown }).type === 'client_report');
    if (reportLine > 0) reports.push({ request, header: JSON.parse(lines[0]), report: JSON.parse(lines[reportLine + 1]) });
  }
  return reports;
}

function bodyOf(request: RecordedRequest): Buffer {
  const sent = request.bodyBase64 !== undefined ? Buffer.from(request.bodyBase64, 'base64') : Buffer.from(request.bodyText ?? '');
  return request.headers['content-encoding'] === 'gzip' ? gunzipSync(sent) : sent;
}

const reportMs = (timestamp: number | string): number => (typeof timestamp === 'number' ? Math.round(timestamp * 1000) : Date.parse(timestamp));

function config(prefix: string): IngestConfig {
  return {
    host: '127.0.0.1',
    logLevel: 'warn',
    pulseConfigPath: undefined,
    httpTimeouts: { requestMs: 30_000, headersMs: 10_000, idleMs: 5_000, keepAliveMs: 5_000 },
    kafkaBrokers: testInfra().kafkaBrokers.split(','),
    kafkaClientId: 'pulse-client-reports-test',
    kafkaTopicPrefix: prefix,
    kafkaPartitions: 1,
    ingestPort: 0,
    ingestMaxBodyBytes: 1_000_000,
    ingestMaxEnvelopeBytes: 20_000_000,
    ingestMaxEventBytes: 1_000_000,
    ingestMaxSessionsPerEnvelope: 100,
    ingestMaxOtlpSpans: 10_000,
    ingestWorkers: 1,
    producerLingerMs: 1,
    producerMaxBatchMessages: 100,
    producerMaxPendingBytes: 10_000_000,
    producerCompression: 'none',
  };
}

describe('client reports through ingest into Kafka', () => {
  const prefix = `${uniqueName('client_reports')}.`;
  const topics = new TopicNames(prefix);
  const registry = new ProjectRegistry({
    projects: [{ id: 42, name: 'fixtures', keys: [FIXTURE_KEY, { key: LIMITED_KEY, rateLimits: { error: { perSecond: 0.001, burst: 1 }, transaction: { perSecond: 0.001, burst: 1 } } }] }],
    tokens: [],
  });
  const { metrics, counts } = eventMetrics();
  const received: ClientReportRecord[] = [];
  const undecodable: string[] = [];
  let kafka: Kafka;
  let publisher: KafkaRecordPublisher;
  let consumer: Consumer;
  let ingest: IngestService;

  beforeAll(async () => {
    const ingestConfig = config(prefix);
    kafka = createKafka({ brokers: ingestConfig.kafkaBrokers, clientId: ingestConfig.kafkaClientId });
    await ensureTopics(kafka, topics.all().map((topic) => ({ topic, partitions: 1 })));
    publisher = new KafkaRecordPublisher(kafka, { lingerMs: 1, maxBatchMessages: 100, maxPendingBytes: 10_000_000, compression: CompressionTypes.None }, metrics, pino({ level: 'silent' }));
    await publisher.connect();
    ingest = new IngestService(ingestConfig, registry, new RateLimiter(), new SegmentNames(), publisher, topics, metrics);
    consumer = kafka.consumer({ groupId: uniqueName('client_reports_reader'), maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topics: [topics.records[RecordKind.ClientReport]], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const decoded = decodeMessage(RecordKind.ClientReport, message.value, message.headers?.[SCHEMA_HEADER]?.toString());
        if (!decoded.ok) undecodable.push(decoded.reason);
        else {
          for (const entry of decoded.records) {
            if (entry.ok) received.push(entry.record);
            else undecodable.push(entry.reason);
          }
        }
      },
    });
  });

  afterAll(async () => {
    await consumer?.disconnect();
    await publisher?.close();
  });

  /** What the consumer read, once it holds `count` records (a 200 means they are in Kafka already). */
  async function readRecords(count: number): Promise<ClientReportRecord[]> {
    await waitUntil(`${count} client report records read back`, async () => received.length >= count, { timeoutMs: 30_000, intervalMs: 50 });
    return received.slice(0, count);
  }

  /** The recorded request as sent (still encoded), with another key's auth when `key` is given. */
  function send(request: RecordedRequest, key?: string) {
    const body = request.bodyBase64 !== undefined ? Buffer.from(request.bodyBase64, 'base64') : Buffer.from(request.bodyText ?? '');
    const headers = key === undefined ? request.headers : { ...request.headers, 'x-sentry-auth': `Sentry sentry_version=7, sentry_key=${key}` };
    return ingest.ingest({
      projectId: 42,
      endpoint: 'envelope',
      body,
      contentType: headers['content-type'],
      contentEncoding: headers['content-encoding'],
      auth: extractPublicKey({ query: {}, headers }),
    });
  }

  it('accepts the recorded Java, Python, Go and Rust client reports, produces one record per reason and category, and counts them', async () => {
    const reports = ['java', 'python', 'go', 'rust'].flatMap(recordedReports);
    for (const { request } of reports) await send(request);
    // Each report holds one reason and category (the errors dropped during the back-off); Rust sends two reports.
    expect(reports.map(({ report }) => report.discarded_events.length)).toEqual([1, 1, 1, 1, 1]);
    const records = await readRecords(reports.length);
    expect(undecodable).toEqual([]);
    expect(records.map(({ projectId, reason, category, quantity }) => ({ projectId, reason, category, quantity }))).toEqual(
      reports.map(({ report }) => ({ projectId: 42, ...report.discarded_events[0] })),
    );
    expect(records[0]).toMatchObject({ reason: 'ratelimit_backoff', category: 'error' });
    // The envelope header's sdk and trace where the SDK sent them (Python and Rust send their reports without).
    expect(records.map(({ sdkName, release, environment }) => [sdkName, release, environment])).toEqual(
      reports.map(({ header }) => [header.sdk?.name ?? '', header.trace?.release ?? '', header.trace?.environment ?? '']),
    );
    expect(records.map((r) => r.sdkName)).toEqual(['sentry.java', '', 'sentry.go', '', '']);
    // Each report's own time under the time rules of every kind: shifted by the SDK clock's drift when
    // `sent_at` is 55 minutes to 30 days from the receive time (a replayed recording is), moved to the
    // receive time with the original kept once the recording is older than 30 days.
    expect(records.map((r) => r.originalTimestampMs ?? r.timestampMs)).toEqual(
      reports.map(({ header, report }, i) => reportMs(report.timestamp) + clockDriftMs(header.sent_at === undefined ? undefined : Date.parse(header.sent_at), records[i].receivedAtMs)),
    );
    expect(await counts()).toMatchObject({ 'client_report/accepted': reports.length });
  });

  it('stores a client report when every quota of its envelope is spent: client reports are never rate limited', async () => {
    const [{ request: java, header }] = recordedReports('java');
    expect(await send(java, LIMITED_KEY)).toMatchObject({ body: { id: header.event_id } });
    // The transaction quota (burst 1) is spent: only the transaction is limited, the report still goes to Kafka.
    const limited = await send(java, LIMITED_KEY);
    expect(limited).toMatchObject({ body: { dropped: ['item 0 (transaction): rate limited'] }, headers: { 'X-Sentry-Rate-Limits': expect.stringMatching(/:transaction:key$/) } });
    const records = await readRecords(7);
    expect(records.slice(5).map((r) => [r.reason, r.quantity, r.sdkName])).toEqual([
      ['ratelimit_backoff', 2, 'sentry.java'],
      ['ratelimit_backoff', 2, 'sentry.java'],
    ]);
  });
});
