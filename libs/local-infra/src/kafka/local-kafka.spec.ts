import { readFileSync } from 'node:fs';
import { brokerJavaArgs, generateClusterId, heapArgs, isValidClusterId, KAFKA_VERSION, parseJvmSize, renderServerProperties } from './kafka-config';
import { findKafkaResources } from './kafka-jars';
import { LocalKafka } from './local-kafka';

function parseProperties(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    map.set(line.slice(0, eq), line.slice(eq + 1));
  }
  return map;
}

describe('renderServerProperties', () => {
  const base = { port: 19092, controllerPort: 19093, dataDir: '/tmp/kafka state/data', numPartitions: 3, logRetentionHours: 6 };

  it('renders a single-node KRaft config on the chosen ports', () => {
    const props = parseProperties(renderServerProperties(base));
    expect(props.get('process.roles')).toBe('broker,controller');
    expect(props.get('node.id')).toBe('1');
    expect(props.get('controller.quorum.voters')).toBe('1@127.0.0.1:19093');
    expect(props.get('listeners')).toBe('PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093');
    expect(props.get('advertised.listeners')).toBe('PLAINTEXT://127.0.0.1:19092');
    expect(props.get('controller.listener.names')).toBe('CONTROLLER');
    expect(props.get('inter.broker.listener.name')).toBe('PLAINTEXT');
    expect(props.get('listener.security.protocol.map')).toBe('CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT');
    expect(props.get('log.dirs')).toBe('/tmp/kafka state/data');
  });

  it('sizes the broker for a small machine and lets the project own topic creation', () => {
    const props = parseProperties(renderServerProperties(base));
    expect(props.get('auto.create.topics.enable')).toBe('false');
    expect(props.get('num.partitions')).toBe('3');
    expect(props.get('log.retention.hours')).toBe('6');
    expect(props.get('num.network.threads')).toBe('2');
    expect(props.get('num.io.threads')).toBe('4');
    expect(props.get('group.initial.rebalance.delay.ms')).toBe('0');
    expect(props.get('offsets.topic.replication.factor')).toBe('1');
    expect(props.get('transaction.state.log.replication.factor')).toBe('1');
    expect(props.get('transaction.state.log.min.isr')).toBe('1');
    expect(props.get('message.max.bytes')).toBe(String(10 * 1024 * 1024));
    expect(props.get('replica.fetch.max.bytes')).toBe(String(10 * 1024 * 1024));
  });

  it('escapes backslashes in values', () => {
    const props = parseProperties(renderServerProperties({ ...base, dataDir: '/tmp/a\\b' }));
    expect(props.get('log.dirs')).toBe('/tmp/a\\\\b');
  });

  it('rejects a relative data dir, bad ports and bad numbers', () => {
    expect(() => renderServerProperties({ ...base, dataDir: 'data' })).toThrow(/absolute/);
    expect(() => renderServerProperties({ ...base, controllerPort: base.port })).toThrow(/differ/);
    expect(() => renderServerProperties({ ...base, port: 70000 })).toThrow(/invalid port/);
    expect(() => renderServerProperties({ ...base, numPartitions: 0 })).toThrow(/numPartitions/);
  });
});

describe('generateClusterId', () => {
  it('is 22 base64url characters, never starting with "-"', () => {
    for (let i = 0; i < 2000; i++) {
      const id = generateClusterId();
      expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
      expect(isValidClusterId(id)).toBe(true);
      expect(Buffer.from(id, 'base64url')).toHaveLength(16);
    }
  });

  it('draws again when the id would start with "-" or is reserved', () => {
    const draws = [Buffer.alloc(16, 0xfb), Buffer.alloc(16, 0), Buffer.from([...Array(15).fill(0), 1]), Buffer.alloc(16, 7)];
    const id = generateClusterId(() => draws.shift() as Buffer);
    expect(Buffer.alloc(16, 0xfb).toString('base64url')[0]).toBe('-');
    expect(id).toBe(Buffer.alloc(16, 7).toString('base64url'));
    expect(draws).toHaveLength(0);
  });

  it('validates ids', () => {
    expect(isValidClusterId('MkU3OEVBNTcwNTJENDM2Qk')).toBe(true);
    expect(isValidClusterId('-kU3OEVBNTcwNTJENDM2Qk')).toBe(false);
    expect(isValidClusterId('MkU3OEVBNTcwNTJENDM2Q')).toBe(false);
    expect(isValidClusterId('MkU3OEVBNTcwNTJENDM2Q=')).toBe(false);
  });
});

describe('JVM arguments', () => {
  it('parses heap sizes', () => {
    expect(parseJvmSize('512m')).toBe(512 * 1024 * 1024);
    expect(parseJvmSize('1G')).toBe(1024 * 1024 * 1024);
    expect(() => parseJvmSize('512 MB')).toThrow(/invalid/);
    expect(() => parseJvmSize('16m')).toThrow(/too small/);
  });

  it('caps the initial heap at 256m', () => {
    expect(heapArgs('512m')).toEqual(['-Xms256m', '-Xmx512m']);
    expect(heapArgs('128m')).toEqual(['-Xms128m', '-Xmx128m']);
  });

  it('runs kafka.Kafka with the jar folder wildcard and the log4j file', () => {
    const args = brokerJavaArgs({ heap: '512m', libsDir: '/libs', log4jConfig: '/cfg/log4j.properties', serverProperties: '/s/server.properties' });
    expect(args).toEqual(expect.arrayContaining(['-XX:+UseG1GC', '-Djava.awt.headless=true', '-Dlog4j.configuration=file:/cfg/log4j.properties']));
    expect(args.slice(-4)).toEqual(['-cp', '/libs/*', 'kafka.Kafka', '/s/server.properties']);
  });
});

describe('LocalKafka options', () => {
  it('derives files, ports and the default jar cache', () => {
    const kafka = new LocalKafka({ stateDir: '/tmp/k', port: 29092 });
    expect(kafka.endpoint).toBe('127.0.0.1:29092');
    expect(kafka.controllerPort).toBe(29093);
    expect(kafka.serverPropertiesFile).toBe('/tmp/k/server.properties');
    expect(kafka.pidFile).toBe('/tmp/k/kafka.pid');
    expect(kafka.logFile).toBe('/tmp/k/kafka.log');
    expect(kafka.dataDir).toBe('/tmp/k/data');
    expect(kafka.libsDir).toBe(`${findKafkaResources().repoRoot}/.local/kafka-libs-${KAFKA_VERSION}`);
  });

  it('requires an absolute state dir and a valid heap', () => {
    expect(() => new LocalKafka({ stateDir: 'rel/dir' })).toThrow(/absolute/);
    expect(() => new LocalKafka({ stateDir: '/tmp/k', heap: 'lots' })).toThrow(/invalid JVM memory size/);
  });

  it('pins the same Kafka version as the pom', () => {
    const pom = readFileSync(findKafkaResources().pomFile, 'utf8');
    expect(pom).toContain(`<kafka.version>${KAFKA_VERSION}</kafka.version>`);
  });
});
