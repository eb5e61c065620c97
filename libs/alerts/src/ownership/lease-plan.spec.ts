import { fairShare, planLeases } from './lease-plan';

const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

describe('fairShare', () => {
  it('is the shards divided by the live instances, rounded up', () => {
    expect(fairShare(64, 1)).toBe(64);
    expect(fairShare(64, 2)).toBe(32);
    expect(fairShare(64, 3)).toBe(22);
    expect(fairShare(64, 100)).toBe(1);
  });

  it('refuses counts that cannot be right', () => {
    expect(() => fairShare(0, 1)).toThrow(/shards must be a positive integer/);
    expect(() => fairShare(64, 0)).toThrow(/liveInstances must be a positive integer/);
    expect(() => fairShare(64, 1.5)).toThrow(/liveInstances/);
  });
});

describe('planLeases', () => {
  it('takes every free shard when alone', () => {
    expect(planLeases({ shards: 64, liveInstances: 1, mine: [], free: range(0, 64) })).toEqual({ share: 64, keep: [], release: [], take: range(0, 64) });
  });

  it('keeps the lowest shards up to the share and releases the highest when another joins', () => {
    expect(planLeases({ shards: 64, liveInstances: 2, mine: range(0, 64), free: [] })).toEqual({ share: 32, keep: range(0, 32), release: range(32, 64), take: [] });
  });

  it('takes free shards lowest first only up to what the share leaves', () => {
    const plan = planLeases({ shards: 64, liveInstances: 2, mine: [40, 1], free: [63, 2, 3, ...range(10, 50)] });
    expect(plan.keep).toEqual([1, 40]);
    expect(plan.release).toEqual([]);
    expect(plan.take).toEqual([2, 3, ...range(10, 38)]);
    expect(plan.keep.length + plan.take.length).toBe(32);
  });

  it('never takes a shard it already holds', () => {
    expect(planLeases({ shards: 64, liveInstances: 2, mine: [5], free: [5, 6] })).toEqual({ share: 32, keep: [5], release: [], take: [6] });
  });

  it('releases leases outside the configured shards', () => {
    expect(planLeases({ shards: 4, liveInstances: 1, mine: [0, 7], free: [1, 2, 3] })).toEqual({ share: 4, keep: [0], release: [7], take: [1, 2, 3] });
  });

  it('gives every shard an owner once all live instances have renewed twice', () => {
    for (const instances of [1, 2, 3, 5, 7, 64, 70]) {
      const held: number[][] = Array.from({ length: instances }, () => []);
      for (let round = 0; round < 2; round++) {
        for (let i = 0; i < instances; i++) {
          const taken = new Set(held.flatMap((shards, j) => (j === i ? [] : shards)));
          const plan = planLeases({ shards: 64, liveInstances: instances, mine: held[i], free: range(0, 64).filter((shard) => !taken.has(shard)) });
          held[i] = [...plan.keep, ...plan.take];
        }
      }
      const all = held.flat();
      expect(new Set(all).size).toBe(all.length);
      expect(all.sort((a, b) => a - b)).toEqual(range(0, 64));
      expect(Math.max(...held.map((shards) => shards.length))).toBe(fairShare(64, instances));
    }
  });
});
