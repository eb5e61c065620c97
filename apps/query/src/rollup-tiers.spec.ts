import { CachedRollupTiers, RETRY_UNKNOWN_MS } from './rollup-tiers';

describe('CachedRollupTiers', () => {
  const setup = (answers: Array<number | undefined | Error>) => {
    let clock = 1_000_000;
    const errors: unknown[] = [];
    const read = jest.fn(async () => {
      const answer = answers.shift();
      if (answer instanceof Error) throw answer;
      return answer;
    });
    const tiers = new CachedRollupTiers(read, (error) => errors.push(error), () => clock);
    return { tiers, read, errors, advance: (ms: number) => (clock += ms) };
  };

  it('reads the start once and keeps it: it never changes after the migration', async () => {
    const { tiers, read } = setup([0]);
    expect(await tiers.hourRollupFromMs()).toBe(0);
    expect(await tiers.hourRollupFromMs()).toBe(0);
    expect(read).toHaveBeenCalledTimes(1);
  });

  it('shares one read between concurrent requests', async () => {
    const { tiers, read } = setup([7_200_000]);
    expect(await Promise.all([tiers.hourRollupFromMs(), tiers.hourRollupFromMs(), tiers.hourRollupFromMs()])).toEqual([7_200_000, 7_200_000, 7_200_000]);
    expect(read).toHaveBeenCalledTimes(1);
  });

  it('answers unknown before the migration, and asks again after a while', async () => {
    const { tiers, read, advance } = setup([undefined, 3_600_000]);
    expect(await tiers.hourRollupFromMs()).toBeUndefined();
    advance(RETRY_UNKNOWN_MS - 1);
    expect(await tiers.hourRollupFromMs()).toBeUndefined();
    expect(read).toHaveBeenCalledTimes(1);
    advance(1);
    expect(await tiers.hourRollupFromMs()).toBe(3_600_000);
    expect(read).toHaveBeenCalledTimes(2);
  });

  it('reports a failed read and answers unknown (minute rollups: slower, never wrong)', async () => {
    const failure = new Error('ECONNREFUSED');
    const { tiers, errors, advance } = setup([failure, 0]);
    expect(await tiers.hourRollupFromMs()).toBeUndefined();
    expect(errors).toEqual([failure]);
    advance(RETRY_UNKNOWN_MS);
    expect(await tiers.hourRollupFromMs()).toBe(0);
  });
});
