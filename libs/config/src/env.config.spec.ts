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

  it('reads the SQL API limits', () => {
    const config = loadEnvConfig({ SQL_MAX_RESULT_ROWS: '500', SQL_MAX_BYTES_TO_READ: '1048576' });
    expect([config.sqlMaxResultRows, config.sqlMaxBytesToRead]).toEqual([500, 1_048_576]);
    expect(() => loadEnvConfig({ SQL_MAX_RESULT_ROWS: '0', SQL_MAX_BYTES_TO_READ: '10G' })).toThrow(
      /SQL_MAX_RESULT_ROWS="0" must be an integer from 1 to 1000000.*SQL_MAX_BYTES_TO_READ="10G" must be an integer/,
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

  it('names every bad variable in one error', () => {
    const load = () => loadEnvConfig({ INGEST_PORT: 'x', CLICKHOUSE_URL: 'ftp://h', CLICKHOUSE_DATABASE: 'a;DROP', KAFKA_BROKERS: 'nohost' });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/INGEST_PORT="x" must be an integer.*KAFKA_BROKERS.*CLICKHOUSE_URL="ftp:\/\/h" must be an http\(s\) URL.*CLICKHOUSE_DATABASE="a;DROP" must be a plain identifier/);
  });
});
