import { coverRange, HOUR_MS, MINUTE_MS, TierGrid, TierSpan } from './tier-cover';

const H = HOUR_MS;
const M = MINUTE_MS;
const MINUTES: TierGrid = { tier: 'minute', stepMs: M, validFromMs: 0 };
const hours = (validFromMs = 0): TierGrid => ({ tier: 'hour', stepMs: H, validFromMs });
const span = (tier: TierSpan['tier'], fromMs: number, toMs: number): TierSpan => ({ tier, fromMs, toMs });

/** Spans must tile the range exactly: in order, touching, none empty. */
function expectTiling(spans: TierSpan[], fromMs: number, toMs: number): void {
  expect(spans[0].fromMs).toBe(fromMs);
  expect(spans[spans.length - 1].toMs).toBe(toMs);
  spans.forEach((s, i) => {
    expect(s.toMs).toBeGreaterThan(s.fromMs);
    if (i > 0) expect(s.fromMs).toBe(spans[i - 1].toMs);
  });
}

describe('coverRange', () => {
  const T0 = 1000 * H; // an hour boundary

  it('without grids reads raw rows for the whole range', () => {
    expect(coverRange({ fromMs: 5, toMs: 9 }, [])).toEqual([span('raw', 5, 9)]);
  });

  it('reads whole hours, then the whole minutes at either edge, then the partial minutes from raw rows', () => {
    const range = { fromMs: T0 + 7 * M + 12_345, toMs: T0 + 3 * H + 10 * M + 41_500 };
    const spans = coverRange(range, [hours(), MINUTES]);
    expect(spans).toEqual([
      span('raw', range.fromMs, T0 + 8 * M),
      span('minute', T0 + 8 * M, T0 + H),
      span('hour', T0 + H, T0 + 3 * H),
      span('minute', T0 + 3 * H, T0 + 3 * H + 10 * M),
      span('raw', T0 + 3 * H + 10 * M, range.toMs),
    ]);
    expectTiling(spans, range.fromMs, range.toMs);
  });

  it('needs nothing finer when the range is whole hours', () => {
    expect(coverRange({ fromMs: T0, toMs: T0 + 5 * H }, [hours(), MINUTES])).toEqual([span('hour', T0, T0 + 5 * H)]);
  });

  it('uses exact hour boundaries at one end and minutes at the other', () => {
    expect(coverRange({ fromMs: T0, toMs: T0 + 2 * H + 30 * M }, [hours(), MINUTES])).toEqual([span('hour', T0, T0 + 2 * H), span('minute', T0 + 2 * H, T0 + 2 * H + 30 * M)]);
    expect(coverRange({ fromMs: T0 + 59 * M + 1, toMs: T0 + 2 * H }, [hours(), MINUTES])).toEqual([span('raw', T0 + 59 * M + 1, T0 + H), span('hour', T0 + H, T0 + 2 * H)]);
  });

  it('reads no hour rows for a range holding no whole hour, even one longer than an hour', () => {
    const range = { fromMs: T0 + 30 * M, toMs: T0 + H + 50 * M };
    expect(coverRange(range, [hours(), MINUTES])).toEqual([span('minute', T0 + 30 * M, T0 + H + 50 * M)]);
    expect(coverRange({ fromMs: T0 + 10 * M + 1, toMs: T0 + 40 * M }, [hours(), MINUTES])).toEqual([span('raw', T0 + 10 * M + 1, T0 + 11 * M), span('minute', T0 + 11 * M, T0 + 40 * M)]);
  });

  it('reads raw rows only for a range inside one minute', () => {
    expect(coverRange({ fromMs: T0 + 1, toMs: T0 + 59_999 }, [hours(), MINUTES])).toEqual([span('raw', T0 + 1, T0 + 59_999)]);
  });

  it('starts the hour tier at its start instant when that falls inside the range', () => {
    const range = { fromMs: T0 + 20 * M + 5, toMs: T0 + 6 * H + 1 };
    const spans = coverRange(range, [hours(T0 + 3 * H), MINUTES]);
    expect(spans).toEqual([span('raw', range.fromMs, T0 + 21 * M), span('minute', T0 + 21 * M, T0 + 3 * H), span('hour', T0 + 3 * H, T0 + 6 * H), span('raw', T0 + 6 * H, range.toMs)]);
    expectTiling(spans, range.fromMs, range.toMs);
  });

  it('rounds a start instant inside an hour up to the next whole hour', () => {
    expect(coverRange({ fromMs: T0, toMs: T0 + 4 * H }, [hours(T0 + H + 1), MINUTES])).toEqual([span('minute', T0, T0 + 2 * H), span('hour', T0 + 2 * H, T0 + 4 * H)]);
  });

  it('reads no hour rows when the start instant is after the range', () => {
    expect(coverRange({ fromMs: T0, toMs: T0 + 4 * H }, [hours(T0 + 4 * H), MINUTES])).toEqual([span('minute', T0, T0 + 4 * H)]);
  });

  it('tiles any range exactly', () => {
    for (let i = 0; i < 500; i += 1) {
      const fromMs = T0 + ((i * 7_919_993) % (5 * H));
      const toMs = fromMs + 1 + ((i * 104_729_137) % (30 * H));
      const start = T0 + ((i * 3_331_333) % (40 * H));
      expectTiling(coverRange({ fromMs, toMs }, [hours(start), MINUTES]), fromMs, toMs);
    }
  });
});
