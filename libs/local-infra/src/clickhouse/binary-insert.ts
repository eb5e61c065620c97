import { randomUUID } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * chdb's raw insert (`InsertRawAsyncConnection`) runs `INSERT … FORMAT X` + '\n' + data as one
 * inline-data query, and that path is not binary-safe: data holding two newline bytes in a row
 * (`0a 0a`, common in RowBinary: a DateTime64 of 1796655942286 ms is `8e 0a 0a 51 a2 01 00 00`)
 * fails with CANNOT_READ_ALL_DATA, or "Unknown packet 11" when the data starts with them. Found
 * with the consumer's RowBinary inserts; text formats do not meet it. So binary data goes
 * through a file instead: `INSERT … FROM INFILE '<file>' FORMAT X`, which chdb reads byte for
 * byte, under the same settings (the session's SETs) and with the same written-rows counters.
 */
const BINARY_FORMATS = new Set(['rowbinary', 'rowbinarywithnames', 'rowbinarywithnamesandtypes', 'rowbinarywithdefaults', 'native', 'parquet', 'arrow', 'arrowstream', 'orc', 'avro', 'msgpack', 'protobuf', 'capnproto']);

/** `… FORMAT <name>` ending the statement (a URL `query` whose data is the request body). */
const TRAILING_FORMAT = /\bFORMAT\s+([A-Za-z]+)\s*;?\s*$/i;

export interface InfileInsert {
  sql: string;
  /** Removes the data file; call when the insert is done, whatever its outcome. */
  remove(): Promise<void>;
}

/**
 * For an INSERT whose data is in a binary format: the data written to a temporary file and the
 * statement reading it. Undefined for text formats and statements of another shape (they keep
 * the inline path).
 */
export async function asInfileInsert(sql: string, data: Buffer): Promise<InfileInsert | undefined> {
  const format = TRAILING_FORMAT.exec(sql);
  if (!format || !BINARY_FORMATS.has(format[1].toLowerCase()) || data.length === 0) return undefined;
  const file = join(tmpdir(), `pulse-chdb-insert-${randomUUID()}.bin`);
  await writeFile(file, data);
  return {
    sql: `${sql.slice(0, format.index)}FROM INFILE '${file}' FORMAT ${format[1]}`,
    remove: () => rm(file, { force: true }),
  };
}
