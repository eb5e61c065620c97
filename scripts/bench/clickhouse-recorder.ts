import { createServer, request as httpRequest, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One statement the app sent, with what ClickHouse reported about it (X-ClickHouse-Summary). */
export interface RecordedQuery {
  /** Pulse tables named after FROM / JOIN: transactions_hour, transactions_minute (rollups), transactions (raw)… */
  tables: string[];
  resultRows: number;
  /** Time inside ClickHouse. */
  elapsedMs: number;
  sql: string;
  /** The request's URL parameters (bound values, settings) and credentials, to run it again. */
  search: string;
  authorization?: string;
}

/** What a statement read, from the statistics block of FORMAT JSON (the local server reports it only there). */
export interface ReadStatistics {
  readRows: number;
  readBytes: number;
  elapsedMs: number;
}

const PULSE_TABLE = /^(transactions|spans|web_vitals|errors|sessions)(_minute|_hour)?$/;

/**
 * An HTTP pass-through in front of ClickHouse that records every statement and its summary. The
 * measured app talks to ClickHouse directly; a second instance behind this recorder answers the
 * same requests once more to show which tables an endpoint reads and how many rows.
 */
export class ClickHouseRecorder {
  private readonly server: Server;
  private recorded: RecordedQuery[] = [];

  constructor(private readonly target: string) {
    this.server = createServer((incoming, outgoing) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('end', () => {
        const body = Buffer.concat(chunks);
        const url = new URL(incoming.url ?? '/', this.target);
        const forward = httpRequest(url, { method: incoming.method, headers: { ...incoming.headers, host: url.host } }, (response) => {
          this.record(body.toString('utf8') || (url.searchParams.get('query') ?? ''), url, incoming.headers.authorization, response.headers['x-clickhouse-summary']);
          outgoing.writeHead(response.statusCode ?? 502, response.headers);
          response.pipe(outgoing);
        });
        forward.on('error', (error) => {
          outgoing.writeHead(502);
          outgoing.end(String(error));
        });
        forward.end(body);
      });
    });
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** What was recorded since the last call. */
  take(): RecordedQuery[] {
    const taken = this.recorded;
    this.recorded = [];
    return taken;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /**
   * Runs a recorded statement once more with FORMAT JSON instead of the app's JSONEachRow and
   * returns the rows and bytes it read (its `statistics`).
   */
  async readStatistics(query: RecordedQuery): Promise<ReadStatistics> {
    const params = new URLSearchParams(query.search);
    params.delete('query_id');
    params.delete('query');
    const response = await fetch(`${this.target}/?${params}`, {
      method: 'POST',
      headers: query.authorization ? { authorization: query.authorization } : {},
      body: query.sql.replace(/\s*FORMAT\s+\w+\s*$/i, '\nFORMAT JSON'),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`re-running a recorded statement answered ${response.status}: ${text.slice(0, 300)}`);
    const { statistics } = JSON.parse(text) as { statistics: { elapsed: number; rows_read: number; bytes_read: number } };
    return { readRows: statistics.rows_read, readBytes: statistics.bytes_read, elapsedMs: Math.round(statistics.elapsed * 1e4) / 10 };
  }

  private record(sql: string, url: URL, authorization: string | undefined, summaryHeader: string | string[] | undefined): void {
    const tables = [...new Set([...sql.matchAll(/\b(?:FROM|JOIN)\s+([A-Za-z_][A-Za-z0-9_]*)/gi)].map((match) => match[1]))].filter((name) => PULSE_TABLE.test(name));
    // Readiness probes and the like read none of Pulse's tables.
    if (typeof summaryHeader !== 'string' || tables.length === 0) return;
    const summary = JSON.parse(summaryHeader) as Record<string, string>;
    this.recorded.push({
      tables,
      resultRows: Number(summary.result_rows ?? NaN),
      elapsedMs: Math.round(Number(summary.elapsed_ns ?? NaN) / 1e5) / 10,
      sql,
      search: url.search,
      authorization,
    });
  }
}
