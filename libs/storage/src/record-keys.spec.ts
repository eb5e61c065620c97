import { recordKeyRows } from './record-keys';

describe('recordKeyRows', () => {
  it('writes (kind String, key UInt128 little-endian, batch UInt64) per key', () => {
    const key = (0x0102030405060708n << 64n) | 0x090a0b0c0d0e0f10n;
    const rows = recordKeyRows('spans', [key, 1n], 0xfedcba9876543210n);
    expect(rows.length).toBe(2 * (1 + 5 + 16 + 8));
    expect(rows[0]).toBe(5);
    expect(rows.toString('utf8', 1, 6)).toBe('spans');
    expect(rows.readBigUInt64LE(6)).toBe(0x090a0b0c0d0e0f10n);
    expect(rows.readBigUInt64LE(14)).toBe(0x0102030405060708n);
    expect(rows.readBigUInt64LE(22)).toBe(0xfedcba9876543210n);
    expect(rows.readBigUInt64LE(30 + 6)).toBe(1n);
    expect(rows.readBigUInt64LE(30 + 14)).toBe(0n);
  });
});
