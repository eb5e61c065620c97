import { SeededDatabase, seededDatabase } from '@pulse/analytics/testing';
import { HttpResult, request } from '@pulse/testing';
import { QueryAppOptions, QueryTestApp, startQueryApp } from './query-test-app';

/** The state of a suite over a seeded database; `db` and `app` are set once its beforeAll ran. */
export class SeededQueryApp {
  db!: SeededDatabase;
  app!: QueryTestApp;

  /** GET `path` (with its query) under project 1's /api/v1/projects/1/, with project 1's token. */
  get<T>(path: string): Promise<HttpResult<T>> {
    return request<T>(`${this.projectUrl}/${path}`, { headers: { authorization: `Bearer ${this.app.tokens[1]}` } });
  }

  get projectUrl(): string {
    return `${this.app.url}/api/v1/projects/1`;
  }
}

export interface SeededQueryAppOptions {
  /** The database name's prefix. */
  prefix: string;
  seed: number;
  records: Parameters<typeof seededDatabase>[2];
  /** More environment of the app (QueryAppOptions.env). */
  env?: QueryAppOptions['env'];
  /** Of the beforeAll that seeds and starts. */
  timeoutMs?: number;
}

/**
 * A database of the suite's own seeded with `records`, and the whole query app on it: registers
 * beforeAll (seed, start) and afterAll (close the app, drop the database).
 */
export function seededQueryApp({ prefix, seed, records, env, timeoutMs = 120_000 }: SeededQueryAppOptions): SeededQueryApp {
  const suite = new SeededQueryApp();
  beforeAll(async () => {
    suite.db = await seededDatabase(prefix, seed, records);
    suite.app = await startQueryApp({ database: suite.db.database, env });
  }, timeoutMs);

  afterAll(async () => {
    await suite.app?.close();
    await suite.db?.client.command({ query: `DROP DATABASE IF EXISTS ${suite.db.database}` });
    await suite.db?.client.close();
  });
  return suite;
}
