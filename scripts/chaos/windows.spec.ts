import { formatWindows, mergeWindows, outsideWindows, relativeWindow, windowsOfSamples } from './windows';

describe('chaos windows', () => {
  it('merges intervals that overlap or lie closer than the gap', () => {
    expect(mergeWindows([{ startMs: 5000, endMs: 5000 }, { startMs: 0, endMs: 100 }, { startMs: 900, endMs: 1200 }, { startMs: 2300, endMs: 2400 }], 1000)).toEqual([
      { startMs: 0, endMs: 1200 },
      { startMs: 2300, endMs: 2400 },
      { startMs: 5000, endMs: 5000 },
    ]);
    expect(mergeWindows([], 1000)).toEqual([]);
  });

  it('turns polled samples into windows that end at the first good sample', () => {
    const samples = [0, 250, 500, 750, 1000, 1250].map((atMs, i) => ({ atMs, bad: [false, true, true, false, true, true][i] }));
    expect(windowsOfSamples(samples, (s) => s.bad)).toEqual([
      { startMs: 250, endMs: 750 },
      { startMs: 1000, endMs: 1250 },
    ]);
  });

  it('finds the requests open at no time during a window (with slack)', () => {
    const windows = [{ startMs: 10_000, endMs: 20_000 }];
    const during = { sentAtMs: 12_000, answeredAtMs: 13_000 };
    const spanning = { sentAtMs: 8_000, answeredAtMs: 10_500 };
    const justAfter = { sentAtMs: 20_500, answeredAtMs: 20_600 };
    const later = { sentAtMs: 25_000, answeredAtMs: 25_100 };
    expect(outsideWindows([during, spanning, justAfter, later], windows, 1000)).toEqual([later]);
    expect(outsideWindows([during], [], 1000)).toEqual([during]);
  });

  it('reports windows in seconds from the fault', () => {
    expect(relativeWindow({ startMs: 1_500, endMs: 10_740 }, 1_000)).toEqual({ from_s: 0.5, to_s: 9.7, length_s: 9.2 });
    expect(formatWindows([{ startMs: 0, endMs: 2_000 }], 1_000)).toBe('-1…+1 s (2 s)');
    expect(formatWindows([], 0)).toBe('none');
  });
});
