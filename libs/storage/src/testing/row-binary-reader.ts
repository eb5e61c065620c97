import type { EncodedRows } from '../row-binary/binary-row-writer';

/**
 * Reads RowBinary rows back into objects (column name → value; DateTime64 as epoch ms, maps as
 * objects), for tests of code that hands encoded rows to a fake writer. Knows the column types the
 * table encoders use, nothing more.
 */
export function readRowBinary(rows: EncodedRows, types: ReadonlyArray<{ name: string; type: string }>): Array<Record<string, unknown>> {
  const reader = new Reader(rows.data);
  const result: Array<Record<string, unknown>> = [];
  while (!reader.done()) {
    const row: Record<string, unknown> = {};
    for (const { name, type } of types) row[name] = reader.value(type);
    result.push(row);
  }
  if (result.length !== rows.rows) throw new Error(`read ${result.length} rows, the insert says ${rows.rows}`);
  return result;
}

class Reader {
  private position = 0;
  constructor(private readonly data: Buffer) {}

  done(): boolean {
    return this.position >= this.data.length;
  }

  value(type: string): unknown {
    const nullable = /^Nullable\((.*)\)$/.exec(type);
    if (nullable) return this.data[this.position++] === 1 ? null : this.value(nullable[1]);
    const fixed = /^FixedString\((\d+)\)$/.exec(type);
    if (fixed) return this.take(Number(fixed[1])).toString('utf8').replace(/\0+$/, '');
    const map = /^Map\(LowCardinality\(String\), (.*)\)$/.exec(type);
    if (map) {
      const entries: Record<string, unknown> = {};
      for (let count = this.varUInt(); count > 0; count--) entries[this.value('String') as string] = this.value(map[1]);
      return entries;
    }
    switch (type) {
      case 'String':
      case 'LowCardinality(String)':
        return this.take(this.varUInt()).toString('utf8');
      case 'UInt8':
      case 'Bool':
        return type === 'Bool' ? this.take(1)[0] === 1 : this.take(1)[0];
      case 'UInt16':
        return this.take(2).readUInt16LE();
      case 'UInt64':
      case "DateTime64(3, 'UTC')":
        return Number(this.take(8).readBigInt64LE());
      case 'Float64':
        return this.take(8).readDoubleLE();
      default:
        throw new Error(`readRowBinary does not know ${type}`);
    }
  }

  private take(bytes: number): Buffer {
    const slice = this.data.subarray(this.position, this.position + bytes);
    if (slice.length < bytes) throw new Error('RowBinary data ends inside a value');
    this.position += bytes;
    return slice;
  }

  private varUInt(): number {
    let value = 0;
    for (let shift = 1; ; shift *= 0x80) {
      const byte = this.take(1)[0];
      value += (byte & 0x7f) * shift;
      if (byte < 0x80) return value;
    }
  }
}
