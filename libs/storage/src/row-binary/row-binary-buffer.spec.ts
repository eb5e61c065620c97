import { readRowBinary } from '../testing/row-binary-reader';
import { RowBinaryBuffer, ValueDoesNotFit } from './row-binary-buffer';

const read = (out: RowBinaryBuffer, type: string): unknown => readRowBinary({ table: 't', columnList: 'v', data: out.bytes(), rows: 1 }, [{ name: 'v', type }])[0].v;

describe('RowBinaryBuffer', () => {
  it.each([0, 1, 127, 128, 300, 16_383, 16_384, 70_000])('writes a string of %i bytes after its LEB128 length', (bytes) => {
    const out = new RowBinaryBuffer(16);
    const text = 'a'.repeat(bytes);
    out.string(text);
    expect(out.length).toBe(bytes + (bytes < 128 ? 1 : bytes < 16_384 ? 2 : 3));
    expect(read(out, 'String')).toBe(text);
  });

  it('writes multi-byte UTF-8 and grows past its first allocation', () => {
    const out = new RowBinaryBuffer(4);
    const text = 'ü€😀'.repeat(50);
    out.string(text);
    expect(read(out, 'String')).toBe(text);
  });

  it('writes DateTime64(3) as Int64 milliseconds, cutting fractions as Date does, negative ones too', () => {
    for (const ms of [0, 1_700_000_000_123.9, -1_500.5, 2 ** 40 + 3]) {
      const out = new RowBinaryBuffer(4);
      out.dateTime64(ms, 'ts');
      expect(read(out, "DateTime64(3, 'UTC')")).toBe(new Date(ms).getTime());
    }
  });

  it('pads FixedString with zero bytes', () => {
    const out = new RowBinaryBuffer(4);
    out.fixedString('abc', 8, 'id');
    expect([...out.bytes()]).toEqual([97, 98, 99, 0, 0, 0, 0, 0]);
  });

  it.each([
    ['a FixedString longer than its size', (out: RowBinaryBuffer) => out.fixedString('x'.repeat(33), 32, 'event_id'), 'event_id: 33 bytes do not fit FixedString(32)'],
    ['a UInt8 above 255', (out: RowBinaryBuffer) => out.uint8(256, 'status_code'), 'status_code: 256 does not fit UInt8'],
    ['a fractional UInt16', (out: RowBinaryBuffer) => out.uint16(1.5, 'http_status_code'), 'http_status_code: 1.5 does not fit UInt16'],
    ['a negative UInt64', (out: RowBinaryBuffer) => out.uint64(-1, 'project_id'), 'project_id: -1 does not fit UInt64'],
    ['a time beyond 2^53 ms', (out: RowBinaryBuffer) => out.dateTime64(1e300, 'timestamp'), 'timestamp: 1e+300 is not a time in milliseconds'],
  ])('refuses %s with the column in the reason, and the row can be rolled back', (_what, write, message) => {
    const out = new RowBinaryBuffer(4);
    out.bool(true);
    expect(() => write(out)).toThrow(ValueDoesNotFit);
    expect(() => write(out)).toThrow(message);
    out.truncate(1);
    expect(out.length).toBe(1);
  });
});
