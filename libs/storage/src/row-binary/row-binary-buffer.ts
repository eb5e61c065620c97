/**
 * A growing buffer that writes values in ClickHouse's RowBinary encoding: little-endian fixed-width
 * numbers, strings as LEB128 length + bytes, DateTime64(3) as Int64 milliseconds. Rows are written
 * one after another into one allocation (doubled when full), so encoding a batch makes no per-row
 * objects and no date text. A value that the column cannot hold throws ValueDoesNotFit, and the
 * caller rolls the row back (`truncate`).
 */
export class RowBinaryBuffer {
  private buffer: Buffer;
  private position = 0;

  constructor(initialBytes = 1 << 20) {
    this.buffer = Buffer.allocUnsafe(initialBytes);
  }

  get length(): number {
    return this.position;
  }

  /** The bytes written so far (a view, not a copy). */
  bytes(): Buffer {
    return this.buffer.subarray(0, this.position);
  }

  /** Drops everything after `length`: a row that failed half-way. */
  truncate(length: number): void {
    this.position = length;
  }

  uint8(value: number, column: string): void {
    this.ensure(1);
    this.buffer[this.position++] = checkedInteger(value, 0, 0xff, column, 'UInt8');
  }

  uint16(value: number, column: string): void {
    this.ensure(2);
    this.position = this.buffer.writeUInt16LE(checkedInteger(value, 0, 0xffff, column, 'UInt16'), this.position);
  }

  /** UInt64 from a JS number: integers up to 2^53 (project ids, counts). */
  uint64(value: number, column: string): void {
    this.int64(checkedInteger(value, 0, Number.MAX_SAFE_INTEGER, column, 'UInt64'));
  }

  float64(value: number): void {
    this.ensure(8);
    this.position = this.buffer.writeDoubleLE(value, this.position);
  }

  bool(value: boolean): void {
    this.ensure(1);
    this.buffer[this.position++] = value ? 1 : 0;
  }

  /** DateTime64(3): the milliseconds as Int64; fractions of a millisecond are cut, as `new Date(ms)` does. */
  dateTime64(epochMs: number, column: string): void {
    const ms = Math.trunc(epochMs);
    if (!Number.isSafeInteger(ms)) throw new ValueDoesNotFit(column, `${epochMs} is not a time in milliseconds`);
    this.int64(ms);
  }

  /** Nullable(T): a null flag byte, then the value unless null. */
  nullFlag(isNull: boolean): void {
    this.ensure(1);
    this.buffer[this.position++] = isNull ? 1 : 0;
  }

  /** The entry count of a Map or Array. */
  count(value: number): void {
    this.varUInt(value);
  }

  /**
   * String (and LowCardinality(String), which RowBinary sends as String): the UTF-8 bytes after
   * their LEB128 length. Written in one pass: the bytes go after a one-byte length, which is moved
   * aside when the text is 128 bytes or longer.
   */
  string(value: string): void {
    this.ensure(value.length * 3 + 5);
    const start = this.position;
    const written = this.buffer.write(value, start + 1, 'utf8');
    if (written < 0x80) {
      this.buffer[start] = written;
      this.position = start + 1 + written;
      return;
    }
    const prefix = varUIntBytes(written);
    this.buffer.copyWithin(start + prefix, start + 1, start + 1 + written);
    this.position = start;
    this.varUInt(written);
    this.position = start + prefix + written;
  }

  /** FixedString(N): the UTF-8 bytes padded with zero bytes; longer text does not fit. */
  fixedString(value: string, size: number, column: string): void {
    this.ensure(Math.max(size, value.length * 3));
    const written = this.buffer.write(value, this.position, 'utf8');
    if (written > size) throw new ValueDoesNotFit(column, `${written} bytes do not fit FixedString(${size})`);
    this.buffer.fill(0, this.position + written, this.position + size);
    this.position += size;
  }

  private int64(value: number): void {
    this.ensure(8);
    const high = Math.floor(value / 0x1_0000_0000);
    this.buffer.writeUInt32LE(value - high * 0x1_0000_0000, this.position);
    this.buffer.writeInt32LE(high, this.position + 4);
    this.position += 8;
  }

  private varUInt(value: number): void {
    this.ensure(10);
    let rest = value;
    while (rest >= 0x80) {
      this.buffer[this.position++] = (rest % 0x80) | 0x80;
      rest = Math.floor(rest / 0x80);
    }
    this.buffer[this.position++] = rest;
  }

  private ensure(bytes: number): void {
    if (this.position + bytes <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.position + bytes));
    this.buffer.copy(grown, 0, 0, this.position);
    this.buffer = grown;
  }
}

/** A value its column cannot hold (ClickHouse would refuse the row): the row is dead-lettered with this reason. */
export class ValueDoesNotFit extends Error {
  constructor(
    readonly column: string,
    detail: string,
  ) {
    super(`${column}: ${detail}`);
    this.name = 'ValueDoesNotFit';
  }
}

function checkedInteger(value: number, min: number, max: number, column: string, type: string): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new ValueDoesNotFit(column, `${value} does not fit ${type}`);
  return value;
}

function varUIntBytes(value: number): number {
  let bytes = 1;
  for (let rest = value; rest >= 0x80; rest = Math.floor(rest / 0x80)) bytes++;
  return bytes;
}
