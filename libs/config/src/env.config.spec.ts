import { availableParallelism } from 'node:os';
import { ConfigError, loadEnvConfig } from './env.config';

describe('loadEnvConfig', () => {
  it('has the documented defaults', () => {
    const config = loadEnvConfig({});
    expect(config).toMatchObject({
      ingestPort: 3000,
      queryPort: 3001,
      consumerPort: 3002,
      kafkaBrokers: ['127.0.0.1:9092'],
      clickhouse: { url: 'http://127.0.0.1:8123', database: 'pulse', user: 'default', password: '' },
      pulseConfigPath: undefined,
      consumerGroupId: 'pulse-consumer',
      consumerMaxBatchRows: 20_000,
      consumerMaxWaitMs: 1000,
      defaultRetentionDays: 90,
      sqlMaxResultRows: 10_000,
      sqlMaxBytesToRead: 10 * 1024 ** 3,
    });
    expect(config.clickhouse.cluster).toBeUndefined();
  });

  it('reads the HTTP timeouts, with defaults that close stalled requests', () => {
    expect(loadEnvConfig({}).httpTimeouts).toEqual({ requestMs: 30_000, headersMs: 10_000, idleMs: 120_000, keepAliveMs: 65_000 });
    const config = loadEnvConfig({ HTTP_REQUEST_TIMEOUT_MS: '5000', HTTP_HEADERS_TIMEOUT_MS: '2000', HTTP_IDLE_TIMEOUT_MS: '60000', HTTP_KEEP_ALIVE_TIMEOUT_MS: '1000' });
    expect(config.httpTimeouts).toEqual({ requestMs: 5000, headersMs: 2000, idleMs: 60_000, keepAliveMs: 1000 });
    expect(() => loadEnvConfig({ HTTP_REQUEST_TIMEOUT_MS: '0' })).toThrow(/HTTP_REQUEST_TIMEOUT_MS="0" must be an integer from 100/);
  });

  it('reads the SQL API limits', () => {
    const config = loadEnvConfig({ SQL_MAX_RESULT_ROWS: '500', SQL_MAX_BYTES_TO_READ: '1048576' });
    expect([config.sqlMaxResultRows, config.sqlMaxBytesToRead]).toEqual([500, 1_048_576]);
    expect(() => loadEnvConfig({ SQL_MAX_RESULT_ROWS: '0', SQL_MAX_BYTES_TO_READ: '10G' })).toThrow(
      /SQL_MAX_RESULT_ROWS="0" must be an integer from 1 to 1000000.*SQL_MAX_BYTES_TO_READ="10G" must be an integer/,
    );
  });

  it('reads the limits of tenant reads, with their defaults', () => {
    expect(loadEnvConfig({})).toMatchObject({
      sqlMaxResultBytes: 64 * 1024 ** 2,
      queryMaxConcurrentPerToken: 4,
      queryMaxQueuedPerToken: 8,
      queryMaxQueueWaitMs: 2000,
      queryMaxThreads: 2,
      queryMaxMemoryUsageBytes: 2 * 1024 ** 3,
      queryClickHouseMaxConcurrent: 16,
      queryOsThreadPriority: 10,
    });
    const config = loadEnvConfig({ QUERY_MAX_CONCURRENT_PER_TOKEN: '1', QUERY_MAX_QUEUED_PER_TOKEN: '0', QUERY_MAX_THREADS: '1', QUERY_CLICKHOUSE_MAX_CONCURRENT: '0' });
    expect([config.queryMaxConcurrentPerToken, config.queryMaxQueuedPerToken, config.queryMaxThreads, config.queryClickHouseMaxConcurrent]).toEqual([1, 0, 1, 0]);
    expect(() => loadEnvConfig({ QUERY_MAX_CONCURRENT_PER_TOKEN: '0', QUERY_MAX_MEMORY_USAGE_BYTES: '1' })).toThrow(
      /QUERY_MAX_CONCURRENT_PER_TOKEN="0" must be an integer from 1 to 1000.*QUERY_MAX_MEMORY_USAGE_BYTES="1" must be an integer/,
    );
  });

  it('bounds the consumer insert below the session timeout and reads the stall time', () => {
    expect(loadEnvConfig({})).toMatchObject({ consumerInsertTimeoutMs: 15_000, consumerStallTimeoutMs: 60_000 });
    expect(loadEnvConfig({ CONSUMER_SESSION_TIMEOUT_MS: '8000' }).consumerInsertTimeoutMs).toBe(4000);
    const config = loadEnvConfig({ CONSUMER_INSERT_TIMEOUT_MS: '3000', CONSUMER_STALL_TIMEOUT_MS: '5000' });
    expect([config.consumerInsertTimeoutMs, config.consumerStallTimeoutMs]).toEqual([3000, 5000]);
    expect(() => loadEnvConfig({ CONSUMER_SESSION_TIMEOUT_MS: '10000', CONSUMER_INSERT_TIMEOUT_MS: '10000', CONSUMER_STALL_TIMEOUT_MS: '10' })).toThrow(
      /CONSUMER_INSERT_TIMEOUT_MS="10000" must be an integer from 1000 to 9999.*CONSUMER_STALL_TIMEOUT_MS="10" must be an integer from 1000/,
    );
  });

  it('reads the ClickHouse cluster and the consumer batching', () => {
    const config = loadEnvConfig({ CLICKHOUSE_CLUSTER: 'pulse_cluster', CONSUMER_MAX_BATCH_ROWS: '50000', CONSUMER_MAX_WAIT_MS: '500', DEFAULT_RETENTION_DAYS: '30' });
    expect(config.clickhouse.cluster).toBe('pulse_cluster');
    expect([config.consumerMaxBatchRows, config.consumerMaxWaitMs, config.defaultRetentionDays]).toEqual([50_000, 500, 30]);
    expect(() => loadEnvConfig({ CLICKHOUSE_CLUSTER: 'a b', CONSUMER_MAX_BATCH_ROWS: '0' })).toThrow(/CLICKHOUSE_CLUSTER="a b" must be a plain identifier.*CONSUMER_MAX_BATCH_ROWS="0" must be an integer from 1/);
  });

  it('produces uncompressed unless gzip is asked for, and refuses codecs kafkajs has no built-in for', () => {
    expect(loadEnvConfig({}).producerCompression).toBe('none');
    expect(loadEnvConfig({ PRODUCER_COMPRESSION: 'gzip' }).producerCompression).toBe('gzip');
    expect(() => loadEnvConfig({ PRODUCER_COMPRESSION: 'zstd' })).toThrow(/PRODUCER_COMPRESSION="zstd" must be one of none, gzip/);
  });

  it('reads overrides', () => {
    const config = loadEnvConfig({ INGEST_PORT: '4000', KAFKA_BROKERS: 'a:1, b:2', CLICKHOUSE_DATABASE: 'pulse_test', PULSE_CONFIG: '/etc/pulse.json' });
    expect(config.ingestPort).toBe(4000);
    expect(config.kafkaBrokers).toEqual(['a:1', 'b:2']);
    expect(config.clickhouse.database).toBe('pulse_test');
    expect(config.pulseConfigPath).toBe('/etc/pulse.json');
  });

  it('runs one ingest process unless INGEST_WORKERS asks for more, or auto for every core', () => {
    expect(loadEnvConfig({}).ingestWorkers).toBe(1);
    expect(loadEnvConfig({ INGEST_WORKERS: '3' }).ingestWorkers).toBe(3);
    expect(loadEnvConfig({ INGEST_WORKERS: 'auto' }).ingestWorkers).toBe(availableParallelism());
    expect(() => loadEnvConfig({ INGEST_WORKERS: '0' })).toThrow(/INGEST_WORKERS="0"/);
  });

  it('names every bad variable in one error', () => {
    const load = () => loadEnvConfig({ INGEST_PORT: 'x', CLICKHOUSE_URL: 'ftp://h', CLICKHOUSE_DATABASE: 'a;DROP', KAFKA_BROKERS: 'nohost' });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/INGEST_PORT="x" must be an integer.*KAFKA_BROKERS.*CLICKHOUSE_URL="ftp:\/\/h" must be an http\(s\) URL.*CLICKHOUSE_DATABASE="a;DROP" must be a plain identifier/);
  });
});
