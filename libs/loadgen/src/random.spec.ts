import { SeededRandom } from './random';

const sample = (count: number, draw: () => number): number[] => Array.from({ length: count }, draw);

describe('SeededRandom', () => {
  it('gives the same sequence for the same seed, another for another seed', () => {
    const a = new SeededRandom(42);
    const b = new SeededRandom(42);
    const c = new SeededRandom(43);
    const first = sample(100, () => a.next());
    expect(sample(100, () => b.next())).toEqual(first);
    expect(sample(100, () => c.next())).not.toEqual(first);
  });

  it('draws uniformly in [0, 1): mean 0.5 and every tenth ~10% (±0.5 point over 100,000)', () => {
    const random = new SeededRandom(1);
    const values = sample(100_000, () => random.next());
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(Math.abs(values.reduce((a, b) => a + b, 0) / values.length - 0.5)).toBeLessThan(0.005);
    for (let decile = 0; decile < 10; decile++) {
      const share = values.filter((v) => Math.floor(v * 10) === decile).length / values.length;
      expect(Math.abs(share - 0.1)).toBeLessThan(0.005);
    }
  });

  it('draws integers in [min, max], both ends included', () => {
    const random = new SeededRandom(2);
    const values = new Set(sample(10_000, () => random.int(3, 7)));
    expect([...values].sort()).toEqual([3, 4, 5, 6, 7]);
  });

  it('picks by weight (each share within ±0.5 point over 100,000)', () => {
    const random = new SeededRandom(3);
    const items = [
      { name: 'a', weight: 0.6 },
      { name: 'b', weight: 0.3 },
      { name: 'c', weight: 0.1 },
      { name: 'never', weight: 0 },
    ];
    const drawn = sample(100_000, () => items.indexOf(random.weighted(items, (item) => item.weight)));
    items.forEach((item, index) => expect(Math.abs(drawn.filter((i) => i === index).length / drawn.length - item.weight)).toBeLessThan(0.005));
    expect(() => random.weighted([{ weight: 0 }], (item) => item.weight)).toThrow(/positive total/);
  });

  it('draws log-normal samples with the given median (±2%) and σ of the logs (±2%) over 50,000', () => {
    const random = new SeededRandom(4);
    const values = sample(50_000, () => random.logNormal(120, 0.6)).sort((a, b) => a - b);
    expect(Math.abs(values[values.length / 2] / 120 - 1)).toBeLessThan(0.02);
    const logs = values.map(Math.log);
    const mean = logs.reduce((a, b) => a + b, 0) / logs.length;
    const sigma = Math.sqrt(logs.reduce((sum, v) => sum + (v - mean) ** 2, 0) / logs.length);
    expect(Math.abs(sigma / 0.6 - 1)).toBeLessThan(0.02);
    expect(values[0]).toBeGreaterThan(0);
  });

  it('writes ids as lower-case hex of the asked length', () => {
    const random = new SeededRandom(5);
    expect(random.hex(32)).toMatch(/^[0-9a-f]{32}$/);
    expect(random.hex(16)).toMatch(/^[0-9a-f]{16}$/);
    expect(new Set(Array.from({ length: 10_000 }, () => random.hex(16))).size).toBe(10_000);
  });
});
