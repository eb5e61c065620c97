import { replicationWarnings } from './topic-admin';

describe('replicationWarnings', () => {
  const topic = 'pulse.transactions';

  it('accepts three replicas with two in sync required, and a single broker whatever it holds', () => {
    expect(replicationWarnings({ topic, brokers: 3, replicationFactor: 3, minInsyncReplicas: 2 })).toEqual([]);
    expect(replicationWarnings({ topic, brokers: 5, replicationFactor: 3, minInsyncReplicas: 2 })).toEqual([]);
    expect(replicationWarnings({ topic, brokers: 1, replicationFactor: 1, minInsyncReplicas: 1 })).toEqual([]);
  });

  it('reports a single replica on a cluster: the broker holding it takes acknowledged events with it', () => {
    const [warning, ...rest] = replicationWarnings({ topic, brokers: 3, replicationFactor: 1, minInsyncReplicas: 1 });
    expect(rest).toEqual([]);
    expect(warning).toMatch(/pulse\.transactions has 1 replica on a cluster of 3 brokers/);
    expect(warning).toMatch(/default\.replication\.factor=3 and min\.insync\.replicas=2/);
  });

  it('reports min.insync.replicas=1 (acknowledged by one broker) and min.insync.replicas = replicas (no broker may go)', () => {
    expect(replicationWarnings({ topic, brokers: 3, replicationFactor: 3, minInsyncReplicas: 1 })).toEqual([expect.stringMatching(/min\.insync\.replicas=1: an event may be acknowledged while only one broker has it/)]);
    expect(replicationWarnings({ topic, brokers: 3, replicationFactor: 3, minInsyncReplicas: 3 })).toEqual([expect.stringMatching(/min\.insync\.replicas=3 with 3 replicas: writes stop/)]);
    expect(replicationWarnings({ topic, brokers: 2, replicationFactor: 2, minInsyncReplicas: 1 })).toHaveLength(1);
  });

  it('says nothing about min.insync.replicas it could not read', () => {
    expect(replicationWarnings({ topic, brokers: 3, replicationFactor: 3, minInsyncReplicas: NaN })).toEqual([]);
  });
});
