import { DEFAULT_MIX, formatMix, normalizeMix, parseMix } from './mix';

describe('event mix', () => {
  it('defaults to pageload 30%, server 45%, error 10%, session 15%', () => {
    expect(DEFAULT_MIX).toEqual({ pageload: 0.3, server: 0.45, error: 0.1, session: 0.15 });
    expect(formatMix(DEFAULT_MIX)).toBe('pageload=30% server=45% error=10% session=15%');
  });

  it('reads weights of any scale and leaves out the kinds not named', () => {
    expect(parseMix('server=3, error=1')).toEqual({ pageload: 0, server: 0.75, error: 0.25, session: 0 });
    expect(normalizeMix({ session: 2 })).toEqual({ pageload: 0, server: 0, error: 0, session: 1 });
  });

  it('refuses unknown kinds, bad weights, repeats and an all-zero mix', () => {
    expect(() => parseMix('pageloads=1')).toThrow(/unknown event kind/);
    expect(() => parseMix('server=-1')).toThrow(/non-negative/);
    expect(() => parseMix('server=x')).toThrow(/non-negative/);
    expect(() => parseMix('server')).toThrow(/kind=weight/);
    expect(() => parseMix('server=1,server=2')).toThrow(/twice/);
    expect(() => parseMix('server=0')).toThrow(/positive weight/);
  });
});
