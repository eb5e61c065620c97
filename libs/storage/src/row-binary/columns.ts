import { RowBinaryBuffer, ValueDoesNotFit } from './row-binary-buffer';

/**
 * One column of a raw table: its name and ClickHouse type exactly as `DESCRIBE TABLE` prints them
 * (row-binary.int-spec.ts compares them), and how its value is written in RowBinary.
 */
export interface Column<R> {
  name: string;
  type: string;
  /** Writes the column's value of `record`, stored with its project's `retentionDays`. */
  write(out: RowBinaryBuffer, record: R, retentionDays: number): void;
}

type Get<R, T> = (record: R, retentionDays: number) => T;

const DATE_TIME_64 = "DateTime64(3, 'UTC')";

export const string = <R>(name: string, get: Get<R, string>): Column<R> => ({ name, type: 'String', write: (out, record, days) => out.string(get(record, days)) });

export const lowCardinality = <R>(name: string, get: Get<R, string>): Column<R> => ({ name, type: 'LowCardinality(String)', write: (out, record, days) => out.string(get(record, days)) });

export const fixedString = <R>(name: string, size: number, get: Get<R, string>): Column<R> => ({
  name,
  type: `FixedString(${size})`,
  write: (out, record, days) => out.fixedString(get(record, days), size, name),
});

export const uint8 = <R>(name: string, get: Get<R, number>): Column<R> => ({ name, type: 'UInt8', write: (out, record, days) => out.uint8(get(record, days), name) });

export const uint16 = <R>(name: string, get: Get<R, number>): Column<R> => ({ name, type: 'UInt16', write: (out, record, days) => out.uint16(get(record, days), name) });

export const uint64 = <R>(name: string, get: Get<R, number>): Column<R> => ({ name, type: 'UInt64', write: (out, record, days) => out.uint64(get(record, days), name) });

export const float64 = <R>(name: string, get: Get<R, number>): Column<R> => ({ name, type: 'Float64', write: (out, record, days) => out.float64(get(record, days)) });

export const nullableFloat64 = <R>(name: string, get: Get<R, number | null>): Column<R> => ({
  name,
  type: 'Nullable(Float64)',
  write: (out, record, days) => {
    const value = get(record, days);
    out.nullFlag(value === null);
    if (value !== null) out.float64(value);
  },
});

export const bool = <R>(name: string, get: Get<R, boolean>): Column<R> => ({ name, type: 'Bool', write: (out, record, days) => out.bool(get(record, days)) });

export const dateTime64 = <R>(name: string, get: Get<R, number>): Column<R> => ({ name, type: DATE_TIME_64, write: (out, record, days) => out.dateTime64(get(record, days), name) });

export const nullableDateTime64 = <R>(name: string, get: Get<R, number | null>): Column<R> => ({
  name,
  type: `Nullable(${DATE_TIME_64})`,
  write: (out, record, days) => {
    const value = get(record, days);
    out.nullFlag(value === null);
    if (value !== null) out.dateTime64(value, name);
  },
});

/** Map(LowCardinality(String), String): tags. A value that is not text does not fit (JSONEachRow refused it too). */
export const stringMap = <R>(name: string, get: Get<R, Record<string, string>>): Column<R> => ({
  name,
  type: 'Map(LowCardinality(String), String)',
  write: (out, record, days) => writeMap(out, name, get(record, days), 'string', (value) => out.string(value as string)),
});

/** Map(LowCardinality(String), Float64): measurements. */
export const numberMap = <R>(name: string, get: Get<R, Record<string, number>>): Column<R> => ({
  name,
  type: 'Map(LowCardinality(String), Float64)',
  write: (out, record, days) => writeMap(out, name, get(record, days), 'number', (value) => out.float64(value as number)),
});

function writeMap(out: RowBinaryBuffer, column: string, map: Record<string, unknown>, valueType: 'string' | 'number', writeValue: (value: unknown) => void): void {
  const keys = Object.keys(map);
  out.count(keys.length);
  for (const key of keys) {
    const value = map[key];
    if (typeof value !== valueType) throw new ValueDoesNotFit(column, `the value of ${JSON.stringify(key)} is not a ${valueType}`);
    out.string(key);
    writeValue(value);
  }
}
