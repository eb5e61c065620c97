import { readFileSync } from 'node:fs';
import { brokerJavaArgs, generateClusterId, heapArgs, isValidClusterId, KAFKA_VERSION, parseJvmSize, renderServerProperties } from './kafka-config';
import { findKafkaResources } from './kafka-jars';
import { LocalKafka } from './local-kafka';
import { LocalKafkaCluster } from './local-kafka-cluster';

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

  it('renders one node of a three-node cluster: its own id and ports, the shared voters, replicated topics', () => {
    const voters = [
      { nodeId: 1, controllerPort: 19093 },
      { nodeId: 2, controllerPort: 19095 },
      { nodeId: 3, controllerPort: 19097 },
    ];
    const props = parseProperties(
      renderServerProperties({ ...base, port: 19094, controllerPort: 19095, nodeId: 2, cluster: { voters, replicationFactor: 3, minInsyncReplicas: 2 } }),
    );
    expect(props.get('node.id')).toBe('2');
    expect(props.get('controller.quorum.voters')).toBe('1@127.0.0.1:19093,2@127.0.0.1:19095,3@127.0.0.1:19097');
    expect(props.get('listeners')).toBe('PLAINTEXT://127.0.0.1:19094,CONTROLLER://127.0.0.1:19095');
    expect(props.get('default.replication.factor')).toBe('3');
    expect(props.get('min.insync.replicas')).toBe('2');
    expect(props.get('unclean.leader.election.enable')).toBe('false');
    expect(props.get('offsets.topic.replication.factor')).toBe('3');
    expect(props.get('transaction.state.log.replication.factor')).toBe('3');
    expect(props.get('transaction.state.log.min.isr')).toBe('2');
  });

  it('keeps one replica of everything on a single node', () => {
    const props = parseProperties(renderServerProperties(base));
    expect(props.get('default.replication.factor')).toBe('1');
    expect(props.get('min.insync.replicas')).toBe('1');
  });

  it('rejects a cluster the node is not part of, or replication it cannot hold', () => {
    const voters = [
      { nodeId: 1, controllerPort: 19093 },
      { nodeId: 2, controllerPort: 19095 },
    ];
    const cluster = { voters, replicationFactor: 2, minInsyncReplicas: 2 };
    expect(() => renderServerProperties({ ...base, nodeId: 3, cluster })).toThrow(/not among the voters/);
    expect(() => renderServerProperties({ ...base, nodeId: 1, controllerPort: 19095, cluster })).toThrow(/not among the voters/);
    expect(() => renderServerProperties({ ...base, nodeId: 1, cluster: { ...cluster, replicationFactor: 3 } })).toThrow(/exceeds the 2 nodes/);
    expect(() => renderServerProperties({ ...base, nodeId: 1, cluster: { ...cluster, minInsyncReplicas: 3 } })).toThrow(/exceeds replicationFactor/);
    expect(() => renderServerProperties({ ...base, nodeId: 1, cluster: { ...cluster, voters: [voters[0], { nodeId: 1, controllerPort: 19099 }] } })).toThrow(/distinct node ids/);
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

  it('caps the initial heap at 256m unless one is given', () => {
    expect(heapArgs('512m')).toEqual(['-Xms256m', '-Xmx512m']);
    expect(heapArgs('128m')).toEqual(['-Xms128m', '-Xmx128m']);
    expect(heapArgs('384m', '128m')).toEqual(['-Xms128m', '-Xmx384m']);
    expect(() => heapArgs('128m', '256m')).toThrow(/larger than the heap/);
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

  it('gives every node of a cluster its own state dir, ports and node id, and the same cluster id', () => {
    const cluster = new LocalKafkaCluster({
      stateDir: '/tmp/pulse-cluster-spec',
      ports: [
        { port: 29100, controllerPort: 29101 },
        { port: 29102, controllerPort: 29103 },
        { port: 29104, controllerPort: 29105 },
      ],
    });
    expect(cluster.endpoint).toBe('127.0.0.1:29100,127.0.0.1:29102,127.0.0.1:29104');
    expect(cluster.nodes.map((node) => [node.nodeId, node.stateDir, node.controllerPort])).toEqual([
      [1, '/tmp/pulse-cluster-spec/node-1', 29101],
      [2, '/tmp/pulse-cluster-spec/node-2', 29103],
      [3, '/tmp/pulse-cluster-spec/node-3', 29105],
    ]);
    expect(cluster.replicationFactor).toBe(3);
    expect(cluster.minInsyncReplicas).toBe(2);
    expect(cluster.node(2).port).toBe(29102);
    expect(() => cluster.node(4)).toThrow(/no node 4/);
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
