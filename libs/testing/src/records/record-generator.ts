import { ClientReportRecord, ErrorRecord, GROUPING_CONFIG, RecordKind, RecordTypes, SessionRecord, SpanRecord, TransactionRecord, WebVitalRecord } from '@pulse/model';
import { logNormal, seededRandom } from '../numbers';
import { uniformPicker } from './record-draws';

/**
 * Canonical records of every kind with seeded randomness, one at a time as the Kafka-level tests
 * and the consumer bench produce them: a few projects, releases, environments, pages and users;
 * log-normal durations with three decimals of a millisecond; a share of failed
 * transactions. Ids start with a serial number, so no two records of a generator share one. Times
 * fall within the last `spreadMinutes` before `nowMs`.
 */
export class RecordGenerator {
  private readonly random: () => number;
  private readonly pick: <T>(items: readonly T[]) => T;
  private serial = 0;

  constructor(
    seed: number,
    private readonly options: { projects: number[]; nowMs?: number; spreadMinutes?: number },
  ) {
    this.random = seededRandom(seed);
    this.pick = uniformPicker(this.random);
  }

  next<K extends RecordKind>(kind: K): RecordTypes[K] {
    const make: { [Kind in RecordKind]: () => RecordTypes[Kind] } = {
      [RecordKind.Transaction]: () => this.transaction(),
      [RecordKind.Span]: () => this.span(),
      [RecordKind.WebVital]: () => this.webVital(),
      [RecordKind.Error]: () => this.error(),
      [RecordKind.Session]: () => this.session(),
      [RecordKind.ClientReport]: () => this.clientReport(),
    };
    return make[kind]();
  }

  transaction(): TransactionRecord {
    const end = this.time();
    const duration = Math.round(logNormal(this.random, 180, 0.8) * 1000) / 1000;
    const status = this.pick(['ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'internal_error', 'cancelled', 'unknown']);
    return {
      ...this.common(),
      eventId: this.hex(32),
      traceId: this.hex(32),
      spanId: this.hex(16),
      parentSpanId: '',
      name: this.pick(['GET /', 'GET /api/items', 'POST /api/orders', '/checkout']),
      source: 'route',
      op: 'http.server',
      status,
      statusCode: status === 'ok' ? 0 : status === 'internal_error' ? 13 : status === 'cancelled' ? 1 : 2,
      startTimestampMs: end - duration,
      timestampMs: end,
      durationMs: duration,
      dist: '',
      platform: 'node',
      sdkName: 'sentry.javascript.node',
      sdkVersion: '11.12.0',
      userId: this.user(),
      httpMethod: 'GET',
      httpStatusCode: 200,
      browserName: this.pick(['Chrome', 'Firefox', '']),
      osName: 'Linux',
      tags: { region: this.pick(['eu', 'us']) },
      measurements: {},
    };
  }

  span(): SpanRecord {
    const end = this.time();
    const duration = Math.round(logNormal(this.random, 20, 1) * 1000) / 1000;
    return {
      ...this.common(),
      traceId: this.hex(32),
      spanId: this.hex(16),
      parentSpanId: this.hex(16),
      segmentId: this.hex(16),
      transactionName: this.pick(['GET /', 'GET /api/items']),
      op: this.pick(['db.query', 'http.client', 'cache.get']),
      description: this.pick(['SELECT * FROM items WHERE id = ?', 'GET https://api.example.com/x', 'items:42']),
      status: 'ok',
      statusCode: 0,
      startTimestampMs: end - duration,
      timestampMs: end,
      durationMs: duration,
    };
  }

  webVital(): WebVitalRecord {
    const vital = this.pick(['lcp', 'fcp', 'cls', 'inp', 'ttfb'] as const);
    const value = vital === 'cls' ? Math.round(this.random() * 400) / 1000 : Math.round(logNormal(this.random, vital === 'inp' ? 150 : 1500, 0.6));
    const { release, environment, projectId } = this.common();
    return {
      projectId,
      vital,
      value,
      page: this.pick(['/', '/checkout', '/items/:id']),
      traceId: this.hex(32),
      segmentId: this.hex(16),
      release,
      environment,
      browserName: this.pick(['Chrome', 'Firefox', 'Safari']),
      browserVersion: '120',
      osName: 'Linux',
      userId: this.user(),
      timestampMs: this.time(),
      receivedAtMs: this.options.nowMs ?? Date.now(),
    };
  }

  error(): ErrorRecord {
    const group = Math.floor(this.random() ** 2 * 8);
    return {
      ...this.common(),
      eventId: this.hex(32),
      timestampMs: this.time(),
      level: 'error',
      platform: 'node',
      title: `TypeError: failure ${group}`,
      message: '',
      culprit: `handler${group} (app/handlers.js)`,
      fingerprint: group.toString(16).padStart(32, '0'),
      groupingConfig: GROUPING_CONFIG,
      secondaryFingerprint: '',
      handled: this.random() < 0.7,
      exceptions: [
        {
          type: 'TypeError',
          value: `failure ${group}`,
          mechanism: 'generic',
          handled: true,
          frames: [{ filename: 'app/handlers.js', absPath: '/srv/app/handlers.js', function: `handler${group}`, module: '', lineno: 10 + group, colno: 5, inApp: true, contextLine: '' }],
        },
      ],
      transaction: 'GET /api/items',
      traceId: this.hex(32),
      spanId: this.hex(16),
      dist: '',
      userId: this.user(),
      browserName: '',
      osName: 'Linux',
      sdkName: 'sentry.javascript.node',
      sdkVersion: '11.12.0',
      tags: {},
      eventJson: '',
    };
  }

  session(): SessionRecord {
    const started = this.time();
    const status = this.pick(['ok', 'exited', 'exited', 'crashed', 'errored', 'abnormal'] as const);
    const { release, environment, projectId } = this.common();
    return {
      projectId,
      sessionId: this.hex(32),
      distinctId: this.user(),
      status,
      init: status === 'ok',
      errors: status === 'errored' || status === 'crashed' ? 1 : 0,
      quantity: 1,
      startedMs: started,
      timestampMs: started + 1000,
      durationS: status === 'ok' ? null : 1,
      release,
      environment,
      receivedAtMs: this.options.nowMs ?? Date.now(),
    };
  }

  /** One outcome of a client report: a few reasons and categories SDKs send, small quantities. */
  clientReport(): ClientReportRecord {
    const { release, environment, projectId, receivedAtMs } = this.common();
    return {
      projectId,
      reason: this.pick(['queue_overflow', 'ratelimit_backoff', 'sample_rate', 'before_send', 'network_error', 'event_processor']),
      category: this.pick(['error', 'transaction', 'span', 'session']),
      quantity: 1 + Math.floor(this.random() * 20),
      timestampMs: this.time(),
      release,
      environment,
      sdkName: 'sentry.javascript.node',
      sdkVersion: '11.12.0',
      receivedAtMs,
    };
  }

  private common(): { projectId: number; release: string; environment: string; receivedAtMs: number } {
    return {
      projectId: this.pick(this.options.projects),
      release: this.pick(['app@1.0.0', 'app@1.1.0', 'app@1.2.0-canary']),
      environment: this.pick(['production', 'staging']),
      receivedAtMs: this.options.nowMs ?? Date.now(),
    };
  }

  /** Whole milliseconds within the spread, so DateTime64(3) stores them exactly. */
  private time(): number {
    const now = this.options.nowMs ?? Date.now();
    return Math.floor(now - this.random() * (this.options.spreadMinutes ?? 60) * 60_000);
  }

  private user(): string {
    return this.random() < 0.1 ? '' : `user-${Math.floor(this.random() * 200)}`;
  }

  private hex(length: number): string {
    this.serial++;
    let out = this.serial.toString(16);
    while (out.length < length) out += Math.floor(this.random() * 16).toString(16);
    return out.slice(0, length);
  }
}
