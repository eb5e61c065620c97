import { Partitioners } from 'kafkajs';
import { projectsCovering } from './projects';

const partitionOf = (partitions: number, id: number): number =>
  Partitioners.DefaultPartitioner()({
    topic: 'bench',
    partitionMetadata: Array.from({ length: partitions }, (_, partitionId) => ({ partitionId, leader: 0, replicas: [0], isr: [0], offlineReplicas: [], partitionErrorCode: 0 })),
    message: { key: String(id), value: null },
  });

describe('projectsCovering', () => {
  it('gives the default backlog keys for 4 partitions (benchmark results are compared across commits)', () => {
    expect(projectsCovering(4)).toEqual([1, 2, 3, 4, 5, 6, 11, 16]);
  });

  it.each([1, 3, 4, 8])('puts the same number of projects on each of %i partitions', (partitions) => {
    const perPartition = new Array<number>(partitions).fill(0);
    for (const id of projectsCovering(partitions, 3)) perPartition[partitionOf(partitions, id)]++;
    expect(perPartition).toEqual(new Array<number>(partitions).fill(3));
  });
});
