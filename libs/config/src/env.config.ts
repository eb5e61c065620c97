import { availableParallelism, hostname } from 'node:os';
import { EnvReader } from './env-reader';

/**
 * Process configuration read from the environment once at boot, one type and one loader per app:
 * each app reads and validates the variables it uses and no others, so a bad QUERY_PORT does not
 * stop the consumer. A bad value stops start-up with a message naming the variable; nothing else in
 * the code base reads `process.env`. The sections several apps read (shared, Kafka, ClickHouse) are
 * read by one function each; an app's own variables are read by its loader alone (README.md,
 * "Configuration", says which app reads which).
 */

/** What every app reads: where it listens, how it logs, its PULSE_CONFIG, its HTTP timeouts. */
export interface SharedConfig {
  host: string;
  logLevel: LogLevel;
  pulseConfigPath: string | undefined;
  /** Request, header, idle and keep-alive timeouts of the app's HTTP server, ms. */
  httpTimeouts: { requestMs: number; headersMs: number; idleMs: number; keepAliveMs: number };
}

/** The Kafka cluster and Pulse's topics on it: ingest and consumer. */
export interface KafkaConnectionConfig {
  kafkaBrokers: string[];
  kafkaClientId: string;
  kafkaTopicPrefix: string;
  /** Partitions of the topics the app creates. */
  kafkaPartitions: number;
}

/** The PostgreSQL database of Pulse's mutable state (issues and their workflow): consumer, query and migrations. */
export interface PostgresConnectionConfig {
  /** DATABASE_URL: `postgres://user:password@host:5432/database`. */
  databaseUrl: string;
}

/** Where ClickHouse is and which database holds Pulse's tables: consumer, query and migrations. */
export interface ClickHouseConnectionConfig {
  clickhouse: { url: string; database: string; user: string; password: string; cluster?: string };
}

export interface IngestConfig extends SharedConfig, KafkaConnectionConfig {
  ingestPort: number;
  /** Largest request body ingest reads, in bytes, as sent (compressed or not). */
  ingestMaxBodyBytes: number;
  /** Largest envelope after decompression. */
  ingestMaxEnvelopeBytes: number;
  /** Largest single event, transaction or span batch item. */
  ingestMaxEventBytes: number;
  ingestMaxSessionsPerEnvelope: number;
  /** Spans in one OTLP trace export, at most (a larger request is refused with 413: the exporter splits its batches). */
  ingestMaxOtlpSpans: number;
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
}

export interface ConsumerConfig extends SharedConfig, KafkaConnectionConfig, ClickHouseConnectionConfig, PostgresConnectionConfig {
  consumerPort: number;
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
}

export interface QueryConfig extends SharedConfig, ClickHouseConnectionConfig, PostgresConnectionConfig {
  queryPort: number;
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

export interface AlertsConfig extends SharedConfig, KafkaConnectionConfig, ClickHouseConnectionConfig, PostgresConnectionConfig {
  alertsPort: number;
  /** The consumer group of issue alerts on the errors topic (`<id>.errors`). */
  alertsGroupId: string;
  /** This instance's name in the shard leases and delivery claims; unique per running instance. */
  alertsInstanceId: string;
  /** How often the scheduler renews its shard leases and evaluates the due metric and release rules, ms. */
  alertsTickMs: number;
  /** How long a shard lease lasts without renewal: how soon a dead instance's rules move, ms. */
  alertsLeaseMs: number;
  /** How often the outbox is polled for due deliveries, ms. */
  alertsDeliveryPollMs: number;
  /** Timeout of one delivery call (connect, headers and body), ms. */
  alertsDeliveryTimeoutMs: number;
  /** Attempts before a delivery is given up (exponential back-off between them). */
  alertsDeliveryMaxAttempts: number;
  /** How long a batch of errors waits for the issue processor to apply it before it is retried, ms. */
  alertsWaitForIssuesMs: number;
  /** How long the broker may hold a fetch of the errors topic: the batching delay of issue alerts, ms. */
  alertsConsumerMaxWaitMs: number;
  /** How long the errors consumer may have lag without moving before /ready says so, ms. */
  alertsStallTimeoutMs: number;
  /** Server-side cap on one ClickHouse read of an evaluation, seconds. */
  alertsMaxExecutionSeconds: number;
  /** A YAML or JSON file of rules applied at start-up (docs/alerts.md, "Provisioning"). */
  alertsProvisioningFile: string | undefined;
}

/** `npm run migrate`: the ClickHouse and PostgreSQL connections. */
export type MigrateConfig = ClickHouseConnectionConfig & PostgresConnectionConfig;

/** kafkajs compresses with gzip itself; snappy, lz4 and zstd would need codec packages. */
export const PRODUCER_COMPRESSIONS = ['none', 'gzip'] as const;
export type ProducerCompression = (typeof PRODUCER_COMPRESSIONS)[number];

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

// Each loader reads its app's port, then the shared sections, then the app's own variables: the
// order in which the ConfigError names the bad ones.

export const loadIngestConfig = loader(
  (read): IngestConfig => ({
    ingestPort: read.port('INGEST_PORT', 3000),
    ...readShared(read),
    ...readKafkaConnection(read),
    ingestMaxBodyBytes: read.int('INGEST_MAX_BODY_BYTES', 20 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    ingestMaxEnvelopeBytes: read.int('INGEST_MAX_ENVELOPE_BYTES', 20 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    ingestMaxEventBytes: read.int('INGEST_MAX_EVENT_BYTES', 1024 * 1024, 1024, 256 * 1024 * 1024),
    ingestMaxSessionsPerEnvelope: read.int('INGEST_MAX_SESSIONS_PER_ENVELOPE', 100, 1, 100_000),
    ingestMaxOtlpSpans: read.int('INGEST_MAX_OTLP_SPANS', 10_000, 1, 1_000_000),
    ingestWorkers: read.intOrAuto('INGEST_WORKERS', availableParallelism, 1, 1, 256),
    producerLingerMs: read.int('PRODUCER_LINGER_MS', 5, 0, 60_000),
    producerMaxBatchMessages: read.int('PRODUCER_MAX_BATCH_MESSAGES', 5000, 1, 1_000_000),
    producerMaxPendingBytes: read.int('PRODUCER_MAX_PENDING_BYTES', 64 * 1024 * 1024, 1024, 4 * 1024 ** 3),
    producerCompression: read.oneOf('PRODUCER_COMPRESSION', 'none', PRODUCER_COMPRESSIONS),
  }),
);

export const loadConsumerConfig = loader((read): ConsumerConfig => {
  const consumerSessionTimeoutMs = read.int('CONSUMER_SESSION_TIMEOUT_MS', 30_000, 6000, 300_000);
  return {
    consumerPort: read.port('CONSUMER_PORT', 3002),
    ...readShared(read),
    ...readKafkaConnection(read),
    ...readClickHouseConnection(read),
    ...readPostgresConnection(read),
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
  };
});

export const loadQueryConfig = loader(
  (read): QueryConfig => ({
    queryPort: read.port('QUERY_PORT', 3001),
    ...readShared(read),
    ...readClickHouseConnection(read),
    ...readPostgresConnection(read),
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
  }),
);

export const loadAlertsConfig = loader((read): AlertsConfig => {
  const alertsTickMs = read.int('ALERTS_TICK_MS', 1000, 100, 60_000);
  return {
    alertsPort: read.port('ALERTS_PORT', 3003),
    ...readShared(read),
    ...readKafkaConnection(read),
    ...readClickHouseConnection(read),
    ...readPostgresConnection(read),
    alertsGroupId: read.string('ALERTS_GROUP_ID', 'pulse-alerts'),
    alertsInstanceId: read.matching('ALERTS_INSTANCE_ID', `${hostname()}-${process.pid}`, /^[A-Za-z0-9._:-]{1,100}$/, 'letters, digits, ".", "_", ":" or "-"'),
    alertsTickMs,
    // Several ticks long: a lease outlives a slow tick, and a dead instance's shards move within it.
    alertsLeaseMs: read.int('ALERTS_LEASE_MS', 15_000, alertsTickMs * 3, 600_000),
    alertsDeliveryPollMs: read.int('ALERTS_DELIVERY_POLL_MS', 250, 10, 60_000),
    alertsDeliveryTimeoutMs: read.int('ALERTS_DELIVERY_TIMEOUT_MS', 10_000, 100, 120_000),
    alertsDeliveryMaxAttempts: read.int('ALERTS_DELIVERY_MAX_ATTEMPTS', 12, 1, 100),
    alertsWaitForIssuesMs: read.int('ALERTS_WAIT_FOR_ISSUES_MS', 10_000, 100, 600_000),
    alertsConsumerMaxWaitMs: read.int('ALERTS_CONSUMER_MAX_WAIT_MS', 250, 10, 60_000),
    alertsStallTimeoutMs: read.int('ALERTS_STALL_TIMEOUT_MS', 60_000, 1000, 86_400_000),
    alertsMaxExecutionSeconds: read.int('ALERTS_MAX_EXECUTION_SECONDS', 20, 1, 600),
    alertsProvisioningFile: read.optionalString('ALERTS_PROVISIONING_FILE'),
  };
});

export const loadMigrateConfig = loader((read): MigrateConfig => ({ ...readClickHouseConnection(read), ...readPostgresConnection(read) }));

function readShared(read: EnvReader): SharedConfig {
  return {
    host: read.string('PULSE_HOST', '127.0.0.1'),
    pulseConfigPath: read.optionalString('PULSE_CONFIG'),
    logLevel: read.oneOf('LOG_LEVEL', 'info', LOG_LEVELS),
    httpTimeouts: {
      requestMs: read.int('HTTP_REQUEST_TIMEOUT_MS', 30_000, 100, 3_600_000),
      headersMs: read.int('HTTP_HEADERS_TIMEOUT_MS', 10_000, 100, 3_600_000),
      idleMs: read.int('HTTP_IDLE_TIMEOUT_MS', 120_000, 100, 86_400_000),
      keepAliveMs: read.int('HTTP_KEEP_ALIVE_TIMEOUT_MS', 65_000, 100, 3_600_000),
    },
  };
}

function readKafkaConnection(read: EnvReader): KafkaConnectionConfig {
  return {
    kafkaBrokers: read.list('KAFKA_BROKERS', ['127.0.0.1:9092']),
    kafkaClientId: read.string('KAFKA_CLIENT_ID', 'pulse'),
    kafkaTopicPrefix: read.matching('KAFKA_TOPIC_PREFIX', 'pulse.', /^[A-Za-z0-9._-]*$/, 'letters, digits, ".", "_" or "-"'),
    kafkaPartitions: read.int('KAFKA_TOPIC_PARTITIONS', 4, 1, 1024),
  };
}

function readClickHouseConnection(read: EnvReader): ClickHouseConnectionConfig {
  return {
    clickhouse: {
      url: read.url('CLICKHOUSE_URL', 'http://127.0.0.1:8123'),
      database: read.matching('CLICKHOUSE_DATABASE', 'pulse', IDENTIFIER, 'a plain identifier'),
      user: read.string('CLICKHOUSE_USER', 'default'),
      password: read.string('CLICKHOUSE_PASSWORD', ''),
      cluster: read.optionalMatching('CLICKHOUSE_CLUSTER', IDENTIFIER, 'a plain identifier (a cluster of the server\'s remote_servers)'),
    },
  };
}

/** The local development server's database (`npm start` runs it) unless DATABASE_URL names another. */
export const DEV_DATABASE_URL = 'postgres://pulse:pulse@127.0.0.1:5432/pulse';

function readPostgresConnection(read: EnvReader): PostgresConnectionConfig {
  return { databaseUrl: read.postgresUrl('DATABASE_URL', DEV_DATABASE_URL) };
}

/** A loader of one app's configuration: every bad variable it reads is named in one ConfigError. */
function loader<T>(readConfig: (read: EnvReader) => T): (env: NodeJS.ProcessEnv) => T {
  return (env) => {
    const read = new EnvReader(env);
    const config = readConfig(read);
    read.throwIfInvalid();
    return config;
  };
}
