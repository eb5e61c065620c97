import { canTakeWrites } from './writability';

describe('canTakeWrites (acks=all, min.insync.replicas 2)', () => {
  const partition = { topic: 't', partition: 0, leader: 1, isr: [1, 2, 3] };

  it('holds with a live leader and every in-sync replica alive', () => {
    expect(canTakeWrites(partition, new Set(), 2)).toBe(true);
    expect(canTakeWrites({ ...partition, isr: [1, 2] }, new Set([3]), 2)).toBe(true);
  });

  it('fails while a dead broker leads or is still counted in sync, and without enough replicas in sync', () => {
    expect(canTakeWrites(partition, new Set([1]), 2)).toBe(false);
    expect(canTakeWrites(partition, new Set([3]), 2)).toBe(false);
    expect(canTakeWrites({ ...partition, leader: -1 }, new Set(), 2)).toBe(false);
    expect(canTakeWrites({ ...partition, isr: [1] }, new Set(), 2)).toBe(false);
  });
});
