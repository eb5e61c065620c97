import { LoadOptionsError } from './load-options-error';
import { DEFAULT_MIX } from './mix';
import { LoadOptions, resolveLoadOptions } from './options';

const base = { dsns: ['http://k@127.0.0.1:1/1'], rate: 100, durationS: 5 };

describe('resolveLoadOptions', () => {
  it('fills in the defaults and draws seeds when none are given', () => {
    const resolved = resolveLoadOptions(base);
    expect(resolved).toMatchObject({ eventsPerS: 100, concurrency: 32, users: 1000, reuse: 16, timeoutMs: 10_000, drainTimeoutMs: 10_000, allowRemote: false, tagSentAt: true, mix: DEFAULT_MIX });
    expect(Number.isInteger(resolved.seed) && Number.isInteger(resolved.idSeed)).toBe(true);
    expect(resolveLoadOptions({ ...base, seed: 7, idSeed: 8 })).toMatchObject({ seed: 7, idSeed: 8 });
  });

  it("runs closed loop for rate 'max' or 0", () => {
    expect(resolveLoadOptions({ ...base, rate: 'max' }).eventsPerS).toBeNull();
    expect(resolveLoadOptions({ ...base, rate: 0 }).eventsPerS).toBeNull();
  });

  it('refuses out-of-range values with a LoadOptionsError', () => {
    const bads: Array<Record<string, unknown>> = [{ rate: -1 }, { rate: Number.NaN }, { durationS: 0 }, { concurrency: 0 }, { concurrency: 1.5 }, { users: -1 }, { reuse: 0 }, { seed: -1 }, { timeoutMs: 0 }, { mix: { nope: 1 } }, { progressIntervalMs: 1 }];
    for (const bad of bads) {
      expect(() => resolveLoadOptions({ ...base, ...bad } as LoadOptions)).toThrow(LoadOptionsError);
    }
  });
});
