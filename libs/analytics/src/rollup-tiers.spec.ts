import type { RollupStarts } from './aggregate-query';
import { CachedRollupTiers, RETRY_UNKNOWN_MS } from './rollup-tiers';

describe('CachedRollupTiers', () => {
  const setup = (answers: Array<RollupStarts | Error>) => {
    let clock = 1_000_000;
    const errors: unknown[] = [];
    const read = jest.fn(async () => {
      const answer = answers.shift();
      if (answer instanceof Error) throw answer;
      return answer ?? {};
    });
    const tiers = new CachedRollupTiers(read, (error) => errors.push(error), () => clock);
    return { tiers, read, errors, advance: (ms: number) => (clock += ms) };
  };
  const both = { hourRollupFromMs: 0, dayRollupFromMs: 0 };

  it('reads the starts once and keeps them: they never change after their migrations', async () => {
    const { tiers, read } = setup([both]);
    expect(await tiers.starts()).toEqual(both);
    expect(await tiers.starts()).toEqual(both);
    expect(read).toHaveBeenCalledTimes(1);
  });

  it('shares one read between concurrent requests', async () => {
    const starts = { hourRollupFromMs: 7_200_000, dayRollupFromMs: 86_400_000 };
    const { tiers, read } = setup([starts]);
    expect(await Promise.all([tiers.starts(), tiers.starts(), tiers.starts()])).toEqual([starts, starts, starts]);
    expect(read).toHaveBeenCalledTimes(1);
  });

  it('answers unknown before the migrations, and asks again after a while', async () => {
    const { tiers, read, advance } = setup([{}, both]);
    expect(await tiers.starts()).toEqual({});
    advance(RETRY_UNKNOWN_MS - 1);
    expect(await tiers.starts()).toEqual({});
    expect(read).toHaveBeenCalledTimes(1);
    advance(1);
    expect(await tiers.starts()).toEqual(both);
    expect(read).toHaveBeenCalledTimes(2);
  });

  it('keeps the hour tier while the day tier is still unknown (0009 not run yet), and picks the day tier up later', async () => {
    const { tiers, read, advance } = setup([{ hourRollupFromMs: 3_600_000 }, { hourRollupFromMs: 3_600_000, dayRollupFromMs: 172_800_000 }]);
    expect(await tiers.starts()).toEqual({ hourRollupFromMs: 3_600_000 });
    expect(await tiers.starts()).toEqual({ hourRollupFromMs: 3_600_000 });
    expect(read).toHaveBeenCalledTimes(1);
    advance(RETRY_UNKNOWN_MS);
    expect(await tiers.starts()).toEqual({ hourRollupFromMs: 3_600_000, dayRollupFromMs: 172_800_000 });
    advance(RETRY_UNKNOWN_MS);
    await tiers.starts();
    expect(read).toHaveBeenCalledTimes(2);
  });

  it('reports a failed read and answers what it knows (finer rollups: slower, never wrong)', async () => {
    const failure = new Error('ECONNREFUSED');
    const { tiers, errors, advance } = setup([failure, both]);
    expect(await tiers.starts()).toEqual({});
    expect(errors).toEqual([failure]);
    advance(RETRY_UNKNOWN_MS);
    expect(await tiers.starts()).toEqual(both);
  });
});
