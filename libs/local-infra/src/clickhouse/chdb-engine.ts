import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import type { Session } from 'chdb';
import { asInfileInsert } from './binary-insert';
import { ClickHouseException, toClickHouseException } from './clickhouse-error';
import { LaneName, QueryLane } from './query-lane';

/**
 * The ClickHouse engine from npm `chdb` (libchdb, clickhouse-local in-process) for one data
 * directory, run the way the HTTP server needs it. What was measured on chdb 3.4.0 / libchdb
 * 26.7 (2 vCPUs) and shapes this class:
 *
 * - One process owns a data directory (a second one fails with CANNOT_OPEN_FILE on `status`).
 *   Within the process any number of `Session`s on the same path coexist; each is its own
 *   connection with its own session context. Opening one is ~0.25 ms while another session keeps
 *   the engine up (the first open boots the engine, ~100 ms) — hence the long-lived `base`
 *   session, and a fresh session per request so `SET`s (which persist for a session's lifetime)
 *   and query parameters never leak between requests.
 * - `queryAsync` runs on the libuv thread pool, off the event loop, and sessions really execute in
 *   parallel (no global engine lock): 8 concurrent `sleep(0.5)` finish in 0.52 s; a CPU-bound
 *   query takes 150 ms alone and 257 ms two at once on 2 vCPUs (the engine already uses both
 *   cores for one). Small queries: ~650/s one at a time, ~1200/s with 8 in flight in-process; over
 *   HTTP `SELECT 1` ~380/s sequential, ~900/s with 8+ in flight. The pool is also what bounds
 *   parallelism: with the default UV_THREADPOOL_SIZE=4 at most 4 queries run (and gzip/fs work
 *   waits behind them), so main.ts raises it above the slots of both lanes together.
 * - `SET param_x = ...` run concurrently on different sessions stays isolated (checked: 400 runs,
 *   16 in flight, no cross-talk). chdb's own bind API (`queryBindAsync`) is not used: chdb
 *   serializes every bound query process-wide because its parameter state is not per connection.
 * - Queries cannot be interrupted: a client that goes away does not stop its query, and only
 *   `max_execution_time` bounds a runaway one.
 *
 * Two lanes of slots (query-lane.ts), so that inserts never wait behind reads: tenant reads
 * (read-only requests) run in the `read` lane, everything else in the `write` lane. Each lane runs
 * at most its `maxConcurrent` queries; more wait in its bounded FIFO, and beyond its `maxQueued`
 * they are refused with TOO_MANY_SIMULTANEOUS_QUERIES, as a real server does past
 * `max_concurrent_queries`. The lanes share the CPU: a lane bounds how many queries wait, not how
 * much CPU they take (readClassSettings' max_threads does that for reads).
 */
export interface ChdbEngineOptions {
  dataDir: string;
  /** Reads executing at once. Default 8. */
  maxConcurrent?: number;
  /** Reads waiting for a slot before new ones are refused. Default 1000. */
  maxQueued?: number;
  /** Inserts and other statements executing at once. Default 4. */
  maxConcurrentWrites?: number;
  /** Inserts and other statements waiting for a slot before new ones are refused. Default 1000. */
  maxQueuedWrites?: number;
}

export interface EngineRequest {
  /** Which lane the request runs in (the HTTP server decides; default `write`). */
  lane?: LaneName;
  /** The server's own statements (SET ..., USE ...), run first on the same session. */
  preamble: string[];
  sql: string;
  /**
   * INSERT path: executed as `sql + '\n' + data` with the bytes handed over as they are (binary
   * formats survive) and the written-rows counters reported back.
   */
  insert?: { data: Buffer };
  /** Output format when the SQL has no FORMAT clause. */
  format: string;
}

export interface EngineResult {
  body: Buffer;
  resultRows: number;
  resultBytes: number;
  readRows: number;
  readBytes: number;
  writtenRows: number;
  writtenBytes: number;
  elapsedNs: number;
}

/** The part of chdb's native addon used directly (see {@link loadNativeBinding}). */
interface NativeBinding {
  InsertRawAsyncConnection(
    connection: unknown,
    prefix: string,
    data: Buffer,
    countLines: boolean,
  ): Promise<{ elapsed: number; rowsWritten: number; bytesWritten: number }>;
}

type Chdb = typeof import('chdb');

export class ChdbEngine {
  readonly dataDir: string;
  /** Engine version, e.g. 26.7.2.1 (the `(version ...)` of error bodies). */
  version = 'unknown';
  /** The engine's time zone (X-ClickHouse-Timezone); main.ts pins TZ=UTC by default. */
  timezone = 'UTC';

  private readonly lanes: Record<LaneName, QueryLane>;
  private chdb: Chdb | undefined;
  private native: NativeBinding | undefined;
  private base: Session | undefined;
  private closed = false;

  constructor(options: ChdbEngineOptions) {
    this.dataDir = resolve(options.dataDir);
    this.lanes = {
      read: new QueryLane({ name: 'read', maxConcurrent: options.maxConcurrent ?? 8, maxQueued: options.maxQueued ?? 1000 }),
      write: new QueryLane({ name: 'write', maxConcurrent: options.maxConcurrentWrites ?? 4, maxQueued: options.maxQueuedWrites ?? 1000 }),
    };
  }

  /** Boots the engine on the data directory; fails when another process owns it. */
  async open(): Promise<void> {
    // Loaded here rather than imported so that main.ts sets TZ before libchdb reads it.
    const chdb = await import('chdb');
    this.native = loadNativeBinding();
    this.base = new chdb.Session(this.dataDir);
    this.chdb = chdb;
    const info = await this.base.queryAsync('SELECT version(), timezone()', { format: 'TabSeparated' });
    [this.version, this.timezone] = info.text().trim().split('\t');
  }

  /** Queries running plus waiting, in both lanes. */
  get load(): number {
    return this.lanes.read.load + this.lanes.write.load;
  }

  async execute(request: EngineRequest): Promise<EngineResult> {
    if (this.closed) throw ClickHouseException.of('ABORTED', 'Server is shutting down');
    const lane = this.lanes[request.lane ?? 'write'];
    await lane.acquire();
    try {
      return await this.run(request);
    } finally {
      lane.release();
    }
  }

  /** Lets running and queued queries finish, then releases the engine. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([this.lanes.read.whenIdle(), this.lanes.write.whenIdle()]);
    this.base?.close();
    this.base = undefined;
  }

  private async run({ preamble, sql, insert, format }: EngineRequest): Promise<EngineResult> {
    const { chdb, native } = this.opened();
    const session = new chdb.Session(this.dataDir);
    try {
      if (preamble.length > 0) await session.queryAsync(preamble.join(';\n'), { format: 'TabSeparated' });
      if (insert) {
        const infile = await asInfileInsert(sql, insert.data);
        const r = await native.InsertRawAsyncConnection(session.connection, infile?.sql ?? sql, infile ? EMPTY : insert.data, false).finally(() => infile?.remove());
        return {
          body: EMPTY,
          resultRows: r.rowsWritten,
          resultBytes: r.bytesWritten,
          // The rows an INSERT reads are the rows it parses from the request.
          readRows: r.rowsWritten,
          readBytes: r.bytesWritten,
          writtenRows: r.rowsWritten,
          writtenBytes: r.bytesWritten,
          elapsedNs: Math.round(r.elapsed * 1e9),
        };
      }
      const r = await session.queryAsync(sql, { format });
      const bytes = r.bytes();
      const body = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const read = readStatistics(body);
      return {
        body,
        // chdb's rowsRead/bytesRead are the result's rows and in-memory bytes (the server's
        // result_rows/result_bytes). Rows read from tables are reported only by the JSON formats'
        // statistics block; other formats give 0.
        resultRows: r.rowsRead,
        resultBytes: r.bytesRead,
        readRows: read?.rows ?? 0,
        readBytes: read?.bytes ?? 0,
        writtenRows: 0,
        writtenBytes: 0,
        elapsedNs: Math.round(r.elapsed * 1e9),
      };
    } catch (err) {
      throw toClickHouseException(err);
    } finally {
      session.close();
    }
  }

  private opened(): { chdb: Chdb; native: NativeBinding } {
    if (!this.chdb || !this.native || !this.base) throw new Error('ChdbEngine is not open');
    return { chdb: this.chdb, native: this.native };
  }
}

const EMPTY = Buffer.alloc(0);

/**
 * chdb's native addon, for `InsertRawAsyncConnection`: it executes `prefix + '\n' + data` with the
 * data taken from a Buffer as it is (binary-safe, no JS string of several MB) and returns the
 * written-rows counters (`Session.queryAsync` only reports result rows). chdb exposes it only
 * through `Session.insert`, which rebuilds the INSERT from a table name and a whitelisted format,
 * so it cannot carry an arbitrary INSERT statement from a client. The package's export map hides
 * its loader, hence the absolute path; chdb is pinned to an exact version in package.json.
 */
function loadNativeBinding(): NativeBinding {
  const load = createRequire(__filename);
  const loader = load(join(dirname(load.resolve('chdb')), 'dist', 'loader.js')) as { loadNative(): Partial<NativeBinding> };
  const native = loader.loadNative();
  if (typeof native.InsertRawAsyncConnection !== 'function') {
    throw new Error('this chdb build has no InsertRawAsyncConnection; the local ClickHouse server needs chdb 3.4.x');
  }
  return native as NativeBinding;
}

const STATISTICS = /"statistics":\s*\{[^{}]*"rows_read":\s*(\d+),\s*"bytes_read":\s*(\d+)[^{}]*\}\s*\}\s*$/;

/** The `statistics` block that JSON, JSONCompact, JSONStrings... end with. */
function readStatistics(body: Buffer): { rows: number; bytes: number } | undefined {
  if (body.length === 0 || body[body.length - 2] !== 0x7d) return undefined; // ends with "}\n"
  const m = STATISTICS.exec(body.subarray(Math.max(0, body.length - 512)).toString('latin1'));
  return m ? { rows: Number(m[1]), bytes: Number(m[2]) } : undefined;
}
