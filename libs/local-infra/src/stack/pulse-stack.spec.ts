import { readFileSync, statSync } from 'node:fs';
import { appEnvironment, PulseStack, PulseStackOptions } from './pulse-stack';

const clickhouse = { url: 'http://127.0.0.1:8123', database: 'pulse', user: 'default', password: 'secret' };

describe('appEnvironment', () => {
  it('keeps the configured topics and consumer groups of npm start (no namespace, no partitions, no log level)', () => {
    const options: PulseStackOptions = {
      root: '/repo',
      kafkaBrokers: '127.0.0.1:9092',
      clickhouse,
      databaseUrl: 'postgres://pulse:pulse@127.0.0.1:5432/pulse',
      pulseConfig: { path: '/repo/.local/dev/pulse-config.json' },
    };
    const env = appEnvironment(options, '/repo/.local/dev/pulse-config.json', 'ingest', 3000);
    expect(env).toMatchObject({
      KAFKA_BROKERS: '127.0.0.1:9092',
      DATABASE_URL: 'postgres://pulse:pulse@127.0.0.1:5432/pulse',
      CLICKHOUSE_URL: 'http://127.0.0.1:8123',
      CLICKHOUSE_USER: 'default',
      CLICKHOUSE_PASSWORD: 'secret',
      CLICKHOUSE_DATABASE: 'pulse',
      PULSE_CONFIG: '/repo/.local/dev/pulse-config.json',
      INGEST_PORT: '3000',
    });
    expect(env.KAFKA_TOPIC_PREFIX).toBe(process.env.KAFKA_TOPIC_PREFIX);
    expect(env.CONSUMER_GROUP_ID).toBe(process.env.CONSUMER_GROUP_ID);
    expect(env.KAFKA_TOPIC_PARTITIONS).toBe(process.env.KAFKA_TOPIC_PARTITIONS);
  });

  it('isolates a test or bench run in its namespace, with its partitions, log level and extra variables; the port comes last', () => {
    const options: PulseStackOptions = {
      root: '/repo',
      kafkaBrokers: 'a:1,b:2',
      clickhouse: { ...clickhouse, database: 'pulse_e2e_1234' },
      pulseConfig: { path: '/tmp/config.json' },
      namespace: 'pulse_e2e_1234',
      partitions: 3,
      logLevel: 'warn',
      env: { PRODUCER_LINGER_MS: '5', CONSUMER_PORT: '1' },
    };
    const env = appEnvironment(options, '/tmp/config.json', 'consumer', 4567, { PRODUCER_LINGER_MS: '60000' });
    expect(env).toMatchObject({
      KAFKA_BROKERS: 'a:1,b:2',
      CLICKHOUSE_DATABASE: 'pulse_e2e_1234',
      KAFKA_TOPIC_PREFIX: 'pulse_e2e_1234.',
      CONSUMER_GROUP_ID: 'pulse_e2e_1234',
      KAFKA_TOPIC_PARTITIONS: '3',
      LOG_LEVEL: 'warn',
      PRODUCER_LINGER_MS: '60000',
      CONSUMER_PORT: '4567',
    });
  });

  it('gives a query-only stack no Kafka brokers of its own; without a databaseUrl, DATABASE_URL stays as this process has it', () => {
    const env = appEnvironment({ root: '/repo', apps: ['query'], clickhouse, migrate: false, pulseConfig: { path: '/c.json' } }, '/c.json', 'query', 3001);
    expect(env.KAFKA_BROKERS).toBe(process.env.KAFKA_BROKERS);
    expect(env.DATABASE_URL).toBe(process.env.DATABASE_URL);
    expect(env.QUERY_PORT).toBe('3001');
  });
});

describe('PulseStack', () => {
  it('writes PULSE_CONFIG contents into a file only its owner reads', () => {
    const contents = { projects: [{ id: 7, name: 'project-7', keys: ['k'] }], tokens: [], metricsToken: 'm' };
    const stack = new PulseStack({ root: '/repo', clickhouse, pulseConfig: { contents } });
    expect(JSON.parse(readFileSync(stack.configPath, 'utf8'))).toEqual(contents);
    expect(statSync(stack.configPath).mode & 0o777).toBe(0o600);
  });

  it('uses a PULSE_CONFIG file the caller keeps as it is', () => {
    expect(new PulseStack({ root: '/repo', clickhouse, pulseConfig: { path: '/repo/.local/dev/pulse-config.json' } }).configPath).toBe('/repo/.local/dev/pulse-config.json');
  });

  it('names the topics of its namespace, and refuses to guess them without one', () => {
    const stack = new PulseStack({ root: '/repo', clickhouse, pulseConfig: { path: '/c.json' }, namespace: 'run_1' });
    expect(stack.topics.deadLetter).toBe('run_1.dead-letter');
    expect(() => new PulseStack({ root: '/repo', clickhouse, pulseConfig: { path: '/c.json' } }).topics).toThrow(/configured topics/);
  });
});
