import { ClickHouseException } from './clickhouse-error';
import { isTruthySetting } from './http-params';

/**
 * Which lane of the engine a request runs in:
 * - `read`: tenant reads, i.e. requests that are read-only (readonly=1/2 as a setting, or GET) and
 *   not INSERTs. The query app sends all its tenant reads with readonly=2 (readClassSettings);
 * - `write`: everything else: INSERTs, DDL and migrations, and the apps' own small statements
 *   (readiness probes, rollup tiers), which set no readonly.
 * A real server separates these by user and settings profile (docs/query-api.md); the local server
 * has one user, so the lane stands in for that.
 */
export type LaneName = 'read' | 'write';

export interface QueryLaneOptions {
  name: LaneName;
  /** Queries executing at once. */
  maxConcurrent: number;
  /** Queries waiting for a slot before new ones are refused. */
  maxQueued: number;
}

/**
 * A number of execution slots with a bounded FIFO in front, as the engine had for all queries: a
 * slot passes straight to the next waiter, and past `maxQueued` waiters a query is refused with
 * TOO_MANY_SIMULTANEOUS_QUERIES, as a real server does past `max_concurrent_queries`.
 */
export class QueryLane {
  readonly name: LaneName;
  private readonly maxConcurrent: number;
  private readonly maxQueued: number;
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  private idle: Array<() => void> = [];

  constructor(options: QueryLaneOptions) {
    this.name = options.name;
    this.maxConcurrent = options.maxConcurrent;
    this.maxQueued = options.maxQueued;
    if (!(this.maxConcurrent >= 1)) throw new Error(`maxConcurrent of the ${this.name} lane must be >= 1, got ${this.maxConcurrent}`);
  }

  /** Queries running plus waiting. */
  get load(): number {
    return this.running + this.waiting.length;
  }

  acquire(): Promise<void> {
    if (this.running < this.maxConcurrent) {
      this.running++;
      return Promise.resolve();
    }
    if (this.waiting.length >= this.maxQueued) {
      return Promise.reject(
        ClickHouseException.of(
          'TOO_MANY_SIMULTANEOUS_QUERIES',
          `Too many simultaneous ${this.name} queries. Maximum: ${this.maxConcurrent} running and ${this.maxQueued} queued`,
        ),
      );
    }
    return new Promise((start) => this.waiting.push(start));
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) {
      next(); // the slot passes straight to the next query
      return;
    }
    this.running--;
    if (this.running === 0) {
      for (const done of this.idle.splice(0)) done();
    }
  }

  /** Resolves once nothing runs or waits. */
  whenIdle(): Promise<void> {
    if (this.load === 0) return Promise.resolve();
    return new Promise<void>((done) => this.idle.push(done));
  }
}

/**
 * The lane of one request: an INSERT always writes; any other statement is a read when the request
 * is read-only, by method (GET/HEAD, which the server runs with readonly=2) or by its `readonly`
 * setting.
 */
export function laneOf(request: { insert: boolean; readOnlyMethod: boolean; readonlySetting: string | undefined }): LaneName {
  if (request.insert) return 'write';
  return request.readOnlyMethod || isTruthySetting(request.readonlySetting) ? 'read' : 'write';
}
