// The Kafka keys of the consumer benchmark's backlog: project ids picked so that the keys spread
// over every partition, as the many projects of a real deployment do.
import { Partitioners } from 'kafkajs';

/** Projects per partition: a real deployment has many projects, hashed over every partition. */
const PROJECTS_PER_PARTITION = 2;

/**
 * Project ids whose murmur2 partitions (kafkajs's DefaultPartitioner, as ingest's producer uses,
 * key = project id) cover every one of `partitions` evenly: the lowest ids, `PROJECTS_PER_PARTITION`
 * per partition. Until 2026-12-07 the bench used ids 1, 2, 3, which murmur2 puts on 2 of 4
 * partitions (1:2): half the partitions idle, unlike a deployment with many projects.
 */
export function projectsCovering(partitions: number, perPartition = PROJECTS_PER_PARTITION): number[] {
  const partitioner = Partitioners.DefaultPartitioner();
  const partitionMetadata = Array.from({ length: partitions }, (_, partitionId) => ({ partitionId, leader: 0, replicas: [0], isr: [0], offlineReplicas: [] as number[], partitionErrorCode: 0 }));
  const taken = new Array<number>(partitions).fill(0);
  const ids: number[] = [];
  for (let id = 1; ids.length < partitions * perPartition; id++) {
    const partition = partitioner({ topic: 'bench', partitionMetadata, message: { key: String(id), value: null } });
    if (taken[partition] >= perPartition) continue;
    taken[partition]++;
    ids.push(id);
  }
  return ids;
}
