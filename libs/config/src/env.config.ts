import { availableParallelism } from 'node:os';

/**
 * Process configuration read from the environment once at boot. A bad value stops start-up with a
 * message naming the variable; nothing else in the code base reads `process.env`.
 */
export interface EnvConfig {
  ingestPort: number;
  queryPort: number;
  consumerPort: number;
  host: string;
  kafkaBrokers: string[];
  kafkaClientId: string;
  kafkaTopicPrefix: string;
  kafkaPartitions: number;
  /** Where ClickHouse is and which database holds Pulse's tables. */
  clickhouse: { url: string; database: string; user: string; password: string; cluster?: string };
  pulseConfigPath: string | undefined;
  logLevel: string;
  /** Request, header, idle and keep-alive timeouts of every app's HTTP server, ms. */
  httpTimeouts: { requestMs: number; headersMs: number; idleMs: number; keepAliveMs: number };
  /** Largest request body ingest reads, in bytes, as sent (compressed or not). */
  ingestMaxBodyBytes: number;
  /** Largest envelope after decompression. */
  ingestMaxEnvelopeBytes: number;
  /** Largest single event, transaction or span batch item. */
  ingestMaxEventBytes: number;
  ingestMaxSessionsPerEnvelope: number;
  /**
   * Ingest processes behind the one port (node:cluster; `auto` = the available cores). 1 runs a
   * single process, no cluster primary. Each key's quota is divided among them (docs/ingest.md).
   */
  ingestWorkers: number;
  /** How long the ingest producer waits to fill a batch before sending it. */
  producerLingerMs: number;
  producerMaxBatchMessages: number;
  /** Bytes of accepted-but-unsent messages ingest holds before answering 503. */
  producerMaxPendingBytes: number;
  /**
   * Compression of produced batches. None by default: with Kafka on the same host, gzip in the
   * ingest process cost more than a quarter of its CPU per event (docs/benchmarks.md, "Ingest").
   */
  producerCompression: ProducerCompression;
  /** Prefix of the consumer groups, one per record kind (`<prefix>.transactions`, …). */
  consumerGroupId: string;
  /** Most Kafka messages in one ClickHouse insert (a schema-2 message holds one request's records); a larger fetch is split at this size. */
  consumerMaxBatchRows: number;
  /** How long the broker may hold a fetch to fill it (the batching time), ms. */
  consumerMaxWaitMs: number;
  /** How many bytes a fetch waits for before the wait above runs out (the batching size). */
  consumerMinFetchBytes: number;
  /** Bytes one fetch may return per partition (times consumerPartitionsConcurrently per fetch): what bounds the consumer's memory and a batch's size. */
  consumerMaxFetchBytesPerPartition: number;
  /** Partitions of one kind worked on at once (each its own batches, inserts and commits, in order within the partition). */
  consumerPartitionsConcurrently: number;
  /** How long the broker waits for a silent consumer before giving its partitions to others, ms. */
  consumerSessionTimeoutMs: number;
  /**
   * Longest a ClickHouse insert may stay silent before the consumer gives up on it and retries it
   * under the same token, ms; below the session timeout, half of it by default.
   */
  consumerInsertTimeoutMs: number;
  /** How long a kind may have lag without its committed offset moving before /ready says so, ms. */
  consumerStallTimeoutMs: number;
  /** Retention of a project whose PULSE_CONFIG entry sets none, days. */
  defaultRetentionDays: number;
  /** Server-side cap on one analytics query, seconds. */
  queryMaxExecutionSeconds: number;
  /** Longest time range the query API accepts, days. */
  queryMaxRangeDays: number;
  queryMaxPoints: number;
  /** Most rows one answer of the SQL API may have (ClickHouse `max_result_rows`). */
  sqlMaxResultRows: number;
  /** Most bytes one SQL API query may read, uncompressed (ClickHouse `max_bytes_to_read`). */
  sqlMaxBytesToRead: number;
  /** Largest SQL API answer: ClickHouse `max_result_bytes`, and the JSON bytes the query app reads. */
  sqlMaxResultBytes: number;
  /** Tenant reads (SQL API, Grafana, analytics) one bearer token may have running at once. */
  queryMaxConcurrentPerToken: number;
  /** Reads of one token waiting for a slot before more are refused with 429. */
  queryMaxQueuedPerToken: number;
  /** Longest wait for a slot, ms; then 429. */
  queryMaxQueueWaitMs: number;
  /** ClickHouse `max_threads` of every read the query app sends. */
  queryMaxThreads: number;
  /** ClickHouse `max_memory_usage` of every read the query app sends, bytes. */
  queryMaxMemoryUsageBytes: number;
  /** ClickHouse `max_concurrent_queries_for_user` sent with every read; 0 sends none. */
  queryClickHouseMaxConcurrent: number;
  /** ClickHouse `os_thread_priority` (nice) of every read: inserts get the CPU first. */
  queryOsThreadPriority: number;
}

export class ConfigError extends Error {}

/** kafkajs compresses with gzip itself; snappy, lz4 and zstd would need codec packages. */
export const PRODUCER_COMPRESSIONS = ['none', 'gzip'] as const;
export type ProducerCompression = (typeof PRODUCER_COMPRESSIONS)[number];

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function loadEnvConfig(env: NodeJS.ProcessEnv): EnvConfig {
  const read = new EnvReader(env);
  const consumerSessionTimeoutMs = read.int('CONSUMER_SESSION_TIMEOUT_MS', 30_000, 6000, 300_000);
  const config: EnvConfig = {
    ingestPort: read.port('INGEST_PORT', 3000),
    queryPort: read.port('QUERY_PORT', 3001),
    consumerPort: read.port('CONSUMER_PORT', 3002),
    host: read.string('PULSE_HOST', '127.0.0.1'),
    kafkaBrokers: read.list('KAFKA_BROKERS', ['127.0.0.1:9092']),
    kafkaClientId: read.string('KAFKA_CLIENT_ID', 'pulse'),
    kafkaTopicPrefix: read.matching('KAFKA_TOPIC_PREFIX', 'pulse.', /^[A-Za-z0-9._-]*$/, 'letters, digits, ".", "_" or "-"'),
    kafkaPartitions: read.int('KAFKA_TOPIC_PARTITIONS', 4, 1, 1024),
    clickhouse: {
      url: read.url('CLICKHOUSE_URL', 'http://127.0.0.1:8123'),
      database: read.matching('CLICKHOUSE_DATABASE', 'pulse', IDENTIFIER, 'a plain identifier'),
      user: read.string('CLICKHOUSE_USER', 'default'),
      password: read.string('CLICKHOUSE_PASSWORD', ''),
      cluster: read.optionalMatching('CLICKHOUSE_CLUSTER', IDENTIFIER, 'a plain identifier (a cluster of the server\'s remote_servers)'),
    },
    pulseConfigPath: env.PULSE_CONFIG || undefined,
    logLevel: read.oneOf('LOG_LEVEL', 'info', LOG_LEVELS),
    httpTimeouts: {
      requestMs: read.int('HTTP_REQUEST_TIMEOUT_MS', 30_000, 100, 3_600_000),
      headersMs: read.int('HTTP_HEADERS_TIMEOUT_MS', 10_000, 100, 3_600_000),
      idleMs: read.int('HTTP_IDLE_TIMEOUT_MS', 120_000, 100, 86_400_000),
      keepAliveMs: read.int('HTTP_KEEP_ALIVE_TIMEOUT_MS', 65_000, 100, 3_600_000),
    },
    ingestMaxBodyBytes: read.int('INGEST_MAX_BODY_BYTES', 20 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    ingestMaxEnvelopeBytes: read.int('INGEST_MAX_ENVELOPE_BYTES', 20 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    ingestMaxEventBytes: read.int('INGEST_MAX_EVENT_BYTES', 1024 * 1024, 1024, 256 * 1024 * 1024),
    ingestMaxSessionsPerEnvelope: read.int('INGEST_MAX_SESSIONS_PER_ENVELOPE', 100, 1, 100_000),
    ingestWorkers: env.INGEST_WORKERS?.trim() === 'auto' ? availableParallelism() : read.int('INGEST_WORKERS', 1, 1, 256),
    producerLingerMs: read.int('PRODUCER_LINGER_MS', 5, 0, 60_000),
    producerMaxBatchMessages: read.int('PRODUCER_MAX_BATCH_MESSAGES', 5000, 1, 1_000_000),
    producerMaxPendingBytes: read.int('PRODUCER_MAX_PENDING_BYTES', 64 * 1024 * 1024, 1024, 4 * 1024 ** 3),
    producerCompression: read.oneOf('PRODUCER_COMPRESSION', 'none', [...PRODUCER_COMPRESSIONS]) as ProducerCompression,
    consumerGroupId: read.string('CONSUMER_GROUP_ID', 'pulse-consumer'),
    consumerMaxBatchRows: read.int('CONSUMER_MAX_BATCH_ROWS', 20_000, 1, 1_000_000),
    consumerMaxWaitMs: read.int('CONSUMER_MAX_WAIT_MS', 1000, 10, 60_000),
    consumerMinFetchBytes: read.int('CONSUMER_MIN_FETCH_BYTES', 1024 * 1024, 1, 256 * 1024 * 1024),
    consumerMaxFetchBytesPerPartition: read.int('CONSUMER_MAX_FETCH_BYTES_PER_PARTITION', 4 * 1024 * 1024, 64 * 1024, 256 * 1024 * 1024),
    consumerPartitionsConcurrently: read.int('CONSUMER_PARTITIONS_CONCURRENTLY', 4, 1, 64),
    consumerSessionTimeoutMs,
    // Below the session timeout: a hung insert becomes a retry, never a silent member.
    consumerInsertTimeoutMs: read.int('CONSUMER_INSERT_TIMEOUT_MS', Math.floor(consumerSessionTimeoutMs / 2), 1000, consumerSessionTimeoutMs - 1),
    consumerStallTimeoutMs: read.int('CONSUMER_STALL_TIMEOUT_MS', 60_000, 1000, 86_400_000),
    defaultRetentionDays: read.int('DEFAULT_RETENTION_DAYS', 90, 1, 3650),
    queryMaxExecutionSeconds: read.int('QUERY_MAX_EXECUTION_SECONDS', 30, 1, 3600),
    queryMaxRangeDays: read.int('QUERY_MAX_RANGE_DAYS', 90, 1, 3650),
    queryMaxPoints: read.int('QUERY_MAX_POINTS', 1000, 10, 100_000),
    sqlMaxResultRows: read.int('SQL_MAX_RESULT_ROWS', 10_000, 1, 1_000_000),
    sqlMaxBytesToRead: read.int('SQL_MAX_BYTES_TO_READ', 10 * 1024 ** 3, 1024, 1024 ** 4),
    sqlMaxResultBytes: read.int('SQL_MAX_RESULT_BYTES', 64 * 1024 ** 2, 1024, 1024 ** 3),
    queryMaxConcurrentPerToken: read.int('QUERY_MAX_CONCURRENT_PER_TOKEN', 4, 1, 1000),
    queryMaxQueuedPerToken: read.int('QUERY_MAX_QUEUED_PER_TOKEN', 8, 0, 10_000),
    queryMaxQueueWaitMs: read.int('QUERY_MAX_QUEUE_WAIT_MS', 2000, 0, 600_000),
    queryMaxThreads: read.int('QUERY_MAX_THREADS', 2, 1, 256),
    queryMaxMemoryUsageBytes: read.int('QUERY_MAX_MEMORY_USAGE_BYTES', 2 * 1024 ** 3, 16 * 1024 ** 2, 1024 ** 4),
    queryClickHouseMaxConcurrent: read.int('QUERY_CLICKHOUSE_MAX_CONCURRENT', 16, 0, 100_000),
    queryOsThreadPriority: read.int('QUERY_OS_THREAD_PRIORITY', 10, 0, 19),
  };
  read.throwIfInvalid();
  return config;
}

class EnvReader {
  private readonly problems: string[] = [];

  constructor(private readonly env: NodeJS.ProcessEnv) {}

  string(name: string, fallback: string): string {
    const value = this.env[name];
    return value === undefined || value === '' ? fallback : value;
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const raw = this.env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      this.problems.push(`${name}=${JSON.stringify(raw)} must be an integer from ${min} to ${max}`);
      return fallback;
    }
    return value;
  }

  port(name: string, fallback: number): number {
    return this.int(name, fallback, 0, 65535);
  }

  list(name: string, fallback: string[]): string[] {
    const raw = this.env[name];
    if (raw === undefined || raw.trim() === '') return fallback;
    const items = raw.split(',').map((item) => item.trim()).filter(Boolean);
    const bad = items.filter((item) => !/^[^\s:]+:\d{1,5}$/.test(item));
    if (bad.length > 0) this.problems.push(`${name} must be a comma-separated list of host:port, got ${JSON.stringify(bad)}`);
    return items;
  }

  url(name: string, fallback: string): string {
    const raw = this.string(name, fallback);
    try {
      const url = new URL(raw);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http(s)');
      return raw;
    } catch {
      this.problems.push(`${name}=${JSON.stringify(raw)} must be an http(s) URL`);
      return fallback;
    }
  }

  matching(name: string, fallback: string, pattern: RegExp, what: string): string {
    const value = this.string(name, fallback);
    if (!pattern.test(value)) this.problems.push(`${name}=${JSON.stringify(value)} must be ${what}`);
    return value;
  }

  /** Undefined when unset or empty. */
  optionalMatching(name: string, pattern: RegExp, what: string): string | undefined {
    const value = this.env[name];
    if (value === undefined || value === '') return undefined;
    if (!pattern.test(value)) this.problems.push(`${name}=${JSON.stringify(value)} must be ${what}`);
    return value;
  }

  oneOf(name: string, fallback: string, allowed: string[]): string {
    const value = this.string(name, fallback);
    if (!allowed.includes(value)) this.problems.push(`${name}=${JSON.stringify(value)} must be one of ${allowed.join(', ')}`);
    return value;
  }

  throwIfInvalid(): void {
    if (this.problems.length > 0) throw new ConfigError(`invalid environment: ${this.problems.join('; ')}`);
  }
}
