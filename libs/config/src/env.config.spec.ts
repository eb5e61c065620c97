import { availableParallelism } from 'node:os';
import { ConfigError } from './env-reader';
import { loadAlertsConfig, loadConsumerConfig, loadIngestConfig, loadMigrateConfig, loadQueryConfig } from './env.config';

describe('the configuration of each app', () => {
  it('has the documented defaults', () => {
    const shared = { host: '127.0.0.1', logLevel: 'info', pulseConfigPath: undefined };
    const kafka = { kafkaBrokers: ['127.0.0.1:9092'], kafkaClientId: 'pulse', kafkaTopicPrefix: 'pulse.', kafkaPartitions: 4 };
    const clickhouse = { url: 'http://127.0.0.1:8123', database: 'pulse', user: 'default', password: '' };
    expect(loadIngestConfig({})).toMatchObject({ ingestPort: 3000, ...shared, ...kafka });
    const databaseUrl = 'postgres://pulse:pulse@127.0.0.1:5432/pulse';
    expect(loadQueryConfig({})).toMatchObject({ queryPort: 3001, ...shared, clickhouse, databaseUrl, sqlMaxResultRows: 10_000, sqlMaxBytesToRead: 10 * 1024 ** 3 });
    const consumer = loadConsumerConfig({});
    expect(consumer).toMatchObject({
      consumerPort: 3002,
      ...shared,
      ...kafka,
      clickhouse,
      databaseUrl,
      consumerGroupId: 'pulse-consumer',
      consumerMaxBatchRows: 20_000,
      consumerMaxWaitMs: 1000,
      defaultRetentionDays: 90,
    });
    expect(consumer.clickhouse.cluster).toBeUndefined();
    expect(loadMigrateConfig({})).toEqual({ clickhouse: { ...clickhouse, cluster: undefined }, databaseUrl });
    expect(loadIngestConfig({})).not.toHaveProperty('databaseUrl');
  });

  it('reads the HTTP timeouts, with defaults that close stalled requests', () => {
    expect(loadQueryConfig({}).httpTimeouts).toEqual({ requestMs: 30_000, headersMs: 10_000, idleMs: 120_000, keepAliveMs: 65_000 });
    const config = loadIngestConfig({ HTTP_REQUEST_TIMEOUT_MS: '5000', HTTP_HEADERS_TIMEOUT_MS: '2000', HTTP_IDLE_TIMEOUT_MS: '60000', HTTP_KEEP_ALIVE_TIMEOUT_MS: '1000' });
    expect(config.httpTimeouts).toEqual({ requestMs: 5000, headersMs: 2000, idleMs: 60_000, keepAliveMs: 1000 });
    expect(() => loadConsumerConfig({ HTTP_REQUEST_TIMEOUT_MS: '0' })).toThrow(/HTTP_REQUEST_TIMEOUT_MS="0" must be an integer from 100/);
  });

  it('reads the SQL API limits', () => {
    const config = loadQueryConfig({ SQL_MAX_RESULT_ROWS: '500', SQL_MAX_BYTES_TO_READ: '1048576' });
    expect([config.sqlMaxResultRows, config.sqlMaxBytesToRead]).toEqual([500, 1_048_576]);
    expect(() => loadQueryConfig({ SQL_MAX_RESULT_ROWS: '0', SQL_MAX_BYTES_TO_READ: '10G' })).toThrow(
      /SQL_MAX_RESULT_ROWS="0" must be an integer from 1 to 1000000.*SQL_MAX_BYTES_TO_READ="10G" must be an integer/,
    );
  });

  it('reads the limits of tenant reads, with their defaults', () => {
    expect(loadQueryConfig({})).toMatchObject({
      sqlMaxResultBytes: 64 * 1024 ** 2,
      queryMaxConcurrentPerToken: 4,
      queryMaxQueuedPerToken: 8,
      queryMaxQueueWaitMs: 2000,
      queryMaxThreads: 2,
      queryMaxMemoryUsageBytes: 2 * 1024 ** 3,
      queryClickHouseMaxConcurrent: 16,
      queryOsThreadPriority: 10,
    });
    const config = loadQueryConfig({ QUERY_MAX_CONCURRENT_PER_TOKEN: '1', QUERY_MAX_QUEUED_PER_TOKEN: '0', QUERY_MAX_THREADS: '1', QUERY_CLICKHOUSE_MAX_CONCURRENT: '0' });
    expect([config.queryMaxConcurrentPerToken, config.queryMaxQueuedPerToken, config.queryMaxThreads, config.queryClickHouseMaxConcurrent]).toEqual([1, 0, 1, 0]);
    expect(() => loadQueryConfig({ QUERY_MAX_CONCURRENT_PER_TOKEN: '0', QUERY_MAX_MEMORY_USAGE_BYTES: '1' })).toThrow(
      /QUERY_MAX_CONCURRENT_PER_TOKEN="0" must be an integer from 1 to 1000.*QUERY_MAX_MEMORY_USAGE_BYTES="1" must be an integer/,
    );
  });

  it('bounds the consumer insert below the session timeout and reads the stall time', () => {
    expect(loadConsumerConfig({})).toMatchObject({ consumerInsertTimeoutMs: 15_000, consumerStallTimeoutMs: 60_000 });
    expect(loadConsumerConfig({ CONSUMER_SESSION_TIMEOUT_MS: '8000' }).consumerInsertTimeoutMs).toBe(4000);
    const config = loadConsumerConfig({ CONSUMER_INSERT_TIMEOUT_MS: '3000', CONSUMER_STALL_TIMEOUT_MS: '5000' });
    expect([config.consumerInsertTimeoutMs, config.consumerStallTimeoutMs]).toEqual([3000, 5000]);
    expect(() => loadConsumerConfig({ CONSUMER_SESSION_TIMEOUT_MS: '10000', CONSUMER_INSERT_TIMEOUT_MS: '10000', CONSUMER_STALL_TIMEOUT_MS: '10' })).toThrow(
      /CONSUMER_INSERT_TIMEOUT_MS="10000" must be an integer from 1000 to 9999.*CONSUMER_STALL_TIMEOUT_MS="10" must be an integer from 1000/,
    );
  });

  it('reads the ClickHouse cluster and the consumer batching', () => {
    const config = loadConsumerConfig({ CLICKHOUSE_CLUSTER: 'pulse_cluster', CONSUMER_MAX_BATCH_ROWS: '50000', CONSUMER_MAX_WAIT_MS: '500', DEFAULT_RETENTION_DAYS: '30' });
    expect(config.clickhouse.cluster).toBe('pulse_cluster');
    expect([config.consumerMaxBatchRows, config.consumerMaxWaitMs, config.defaultRetentionDays]).toEqual([50_000, 500, 30]);
    expect(() => loadConsumerConfig({ CLICKHOUSE_CLUSTER: 'a b', CONSUMER_MAX_BATCH_ROWS: '0' })).toThrow(/CLICKHOUSE_CLUSTER="a b" must be a plain identifier.*CONSUMER_MAX_BATCH_ROWS="0" must be an integer from 1/);
    expect(loadMigrateConfig({ CLICKHOUSE_CLUSTER: 'pulse_cluster' }).clickhouse.cluster).toBe('pulse_cluster');
    expect(() => loadMigrateConfig({ CLICKHOUSE_CLUSTER: 'a b' })).toThrow(/CLICKHOUSE_CLUSTER="a b" must be a plain identifier/);
  });

  it('produces uncompressed unless gzip is asked for, and refuses codecs kafkajs has no built-in for', () => {
    expect(loadIngestConfig({}).producerCompression).toBe('none');
    expect(loadIngestConfig({ PRODUCER_COMPRESSION: 'gzip' }).producerCompression).toBe('gzip');
    expect(() => loadIngestConfig({ PRODUCER_COMPRESSION: 'zstd' })).toThrow(/PRODUCER_COMPRESSION="zstd" must be one of none, gzip/);
  });

  it('reads overrides', () => {
    const ingest = loadIngestConfig({ INGEST_PORT: '4000', KAFKA_BROKERS: 'a:1, b:2', PULSE_CONFIG: '/etc/pulse.json' });
    expect(ingest.ingestPort).toBe(4000);
    expect(ingest.kafkaBrokers).toEqual(['a:1', 'b:2']);
    expect(ingest.pulseConfigPath).toBe('/etc/pulse.json');
    expect(loadQueryConfig({ CLICKHOUSE_DATABASE: 'pulse_test' }).clickhouse.database).toBe('pulse_test');
  });

  it('reads DATABASE_URL as a postgres:// or postgresql:// URL, and names it without its password when it is not one', () => {
    expect(loadConsumerConfig({ DATABASE_URL: 'postgresql://app:s3cret@db.internal:6432/pulse_prod' }).databaseUrl).toBe('postgresql://app:s3cret@db.internal:6432/pulse_prod');
    expect(loadQueryConfig({ DATABASE_URL: 'postgres://app:s3cret@db/pulse' }).databaseUrl).toBe('postgres://app:s3cret@db/pulse');
    for (const bad of ['mysql://app:s3cret@db/pulse', 'http://app:s3cret@db/pulse', 'db:5432/pulse', 'postgres://']) {
      expect(() => loadQueryConfig({ DATABASE_URL: bad })).toThrow(/^invalid environment: DATABASE_URL must be a postgres:\/\/ or postgresql:\/\/ URL/);
      expect(() => loadConsumerConfig({ DATABASE_URL: bad })).not.toThrow(/s3cret/);
      expect(() => loadMigrateConfig({ DATABASE_URL: bad })).toThrow(/DATABASE_URL/);
    }
    expect(() => loadIngestConfig({ DATABASE_URL: 'mysql://db' })).not.toThrow();
  });

  it('runs one ingest process unless INGEST_WORKERS asks for more, or auto for every core', () => {
    expect(loadIngestConfig({}).ingestWorkers).toBe(1);
    expect(loadIngestConfig({ INGEST_WORKERS: '3' }).ingestWorkers).toBe(3);
    expect(loadIngestConfig({ INGEST_WORKERS: 'auto' }).ingestWorkers).toBe(availableParallelism());
    expect(() => loadIngestConfig({ INGEST_WORKERS: '0' })).toThrow(/INGEST_WORKERS="0"/);
  });

  it('names every bad variable in one error', () => {
    const load = () => loadConsumerConfig({ CONSUMER_PORT: 'x', CLICKHOUSE_URL: 'ftp://h', CLICKHOUSE_DATABASE: 'a;DROP', KAFKA_BROKERS: 'nohost' });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/CONSUMER_PORT="x" must be an integer.*KAFKA_BROKERS.*CLICKHOUSE_URL="ftp:\/\/h" must be an http\(s\) URL.*CLICKHOUSE_DATABASE="a;DROP" must be a plain identifier/);
    expect(() => loadIngestConfig({ INGEST_PORT: 'x' })).toThrow(/^invalid environment: INGEST_PORT="x" must be an integer from 0 to 65535$/);
  });

  it('validates only the variables the app reads: a bad one of another app stops that app alone', () => {
    const env = { QUERY_PORT: 'x', SQL_MAX_RESULT_ROWS: '0', INGEST_WORKERS: '0', PRODUCER_COMPRESSION: 'zstd', CONSUMER_MAX_BATCH_ROWS: '0', CLICKHOUSE_URL: 'ftp://h', KAFKA_BROKERS: 'nohost' };
    expect(() => loadQueryConfig(env)).toThrow(/^invalid environment: QUERY_PORT="x".*CLICKHOUSE_URL.*SQL_MAX_RESULT_ROWS="0"[^;]*$/);
    expect(() => loadIngestConfig(env)).toThrow(/^invalid environment: KAFKA_BROKERS.*INGEST_WORKERS="0".*PRODUCER_COMPRESSION="zstd"[^;]*$/);
    expect(() => loadConsumerConfig(env)).toThrow(/^invalid environment: KAFKA_BROKERS.*CLICKHOUSE_URL.*CONSUMER_MAX_BATCH_ROWS="0"[^;]*$/);
    expect(() => loadConsumerConfig({ QUERY_PORT: 'x', INGEST_MAX_BODY_BYTES: '1', SQL_MAX_RESULT_ROWS: '0' })).not.toThrow();
    expect(() => loadIngestConfig({ CONSUMER_PORT: 'x', CLICKHOUSE_URL: 'ftp://h', QUERY_MAX_THREADS: '0' })).not.toThrow();
    expect(() => loadQueryConfig({ INGEST_PORT: 'x', KAFKA_BROKERS: 'nohost', CONSUMER_SESSION_TIMEOUT_MS: '1' })).not.toThrow();
    expect(() => loadMigrateConfig({ LOG_LEVEL: 'loud', KAFKA_BROKERS: 'nohost', QUERY_PORT: 'x' })).not.toThrow();
  });

  it('reads the alerts app: its defaults, a lease of at least three ticks, and its own variables only', () => {
    const config = loadAlertsConfig({});
    expect(config).toMatchObject({ alertsPort: 3003, alertsGroupId: 'pulse-alerts', alertsTickMs: 1000, alertsLeaseMs: 15_000, alertsDeliveryTimeoutMs: 10_000, alertsDeliveryMaxAttempts: 12, alertsProvisioningFile: undefined });
    expect(config.alertsInstanceId).toMatch(/-\d+$/);
    expect(() => loadAlertsConfig({ ALERTS_TICK_MS: '5000', ALERTS_LEASE_MS: '10000' })).toThrow(/ALERTS_LEASE_MS="10000"/);
    expect(() => loadAlertsConfig({ ALERTS_INSTANCE_ID: 'a b' })).toThrow(/ALERTS_INSTANCE_ID/);
    expect(() => loadAlertsConfig({ QUERY_PORT: 'x', CONSUMER_MAX_BATCH_ROWS: '0' })).not.toThrow();
    expect(() => loadQueryConfig({ ALERTS_PORT: 'x' })).not.toThrow();
  });
});
