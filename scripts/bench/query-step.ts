import type { AppProcess } from '@pulse/local-infra';
import type { BenchDatabase } from './bench-database';
import { ClickHouseRecorder } from './clickhouse-recorder';
import { HOUR_MS, PROJECTS, RELEASES } from './dataset-shape';
import { CaseContext, EndpointCase, endpointCases, QueryRange } from './endpoint-cases';
import { ApiClient, measureCase } from './measure';
import { CaseProfile, profileCase } from './profile';
import { RssSampler } from './proc';
import { startQueryApp } from './query-app';
import { median, round } from './stats';
import type { NotMeasured, QueryFigure } from './report';

/** RSS of the query app, sampled this often while it answers. */
const RSS_INTERVAL_MS = 250;

/** What the measuring needs besides the database. */
export interface StepEnvironment {
  root: string;
  /** DATABASE_URL of the run's migrated PostgreSQL database (the query app serves issues from it and /ready checks it). */
  databaseUrl: string;
  configPath: string;
  token: string;
  iterations: number;
  profileOverMs: number;
  maxPoints: number;
  /** Apps running now, stopped on failure or Ctrl-C. */
  apps: Set<AppProcess>;
  log: (line: string) => void;
}

export interface StepResult {
  figures: QueryFigure[];
  notMeasured: NotMeasured[];
  rssMb: { idleMb: number; p50Mb: number; maxMb: number; samples: number };
  profiles: CaseProfile[];
}

/** Project 1: the last 30 minutes (raw rows), the last 24 h and the whole week (rollups plus raw edge minutes). */
export function queryRanges(db: BenchDatabase): QueryRange[] {
  const { startMs, endMs } = db.identity;
  return [
    { label: '30m', fromMs: endMs - HOUR_MS / 2, toMs: endMs },
    { label: '24h', fromMs: endMs - 24 * HOUR_MS, toMs: endMs },
    { label: '7d', fromMs: startMs, toMs: endMs },
  ];
}

/** A trace of project 1 in the last 30 minutes with a transaction, child spans and an error. */
async function storedTraceId(db: BenchDatabase, projectId: number, range: QueryRange): Promise<string> {
  const params = { project_id: projectId, from: range.fromMs, to: range.toMs };
  const inRange = "project_id = {project_id:UInt64} AND timestamp >= fromUnixTimestamp64Milli({from:Int64}, 'UTC') AND timestamp < fromUnixTimestamp64Milli({to:Int64}, 'UTC')";
  const [row] = await db.select<{ trace_id: string }>(
    `SELECT trace_id FROM errors WHERE ${inRange} AND trace_id != '' AND trace_id IN (SELECT toString(trace_id) FROM spans WHERE ${inRange}) ORDER BY event_id LIMIT 1`,
    params,
  );
  if (!row) throw new Error('no trace with spans and an error in the last 30 minutes of project 1');
  return row.trace_id;
}

/** Starts the query app, measures every case over every range, samples its RSS, then profiles the slow cases. */
export async function measureStep(db: BenchDatabase, storedRows: number, env: StepEnvironment): Promise<StepResult> {
  const ranges = queryRanges(db);
  const projectId = PROJECTS[0];
  const context: CaseContext = {
    projectId,
    baseRelease: RELEASES[RELEASES.length - 2],
    candidateRelease: RELEASES[RELEASES.length - 1],
    traceId: await storedTraceId(db, projectId, ranges[0]),
    maxPoints: env.maxPoints,
  };
  const cases = endpointCases(context);
  const app = await startQueryApp(env.root, db.connection, env.databaseUrl, env.configPath, (line) => env.log(`[query] ${line}`));
  env.apps.add(app);
  const figures: QueryFigure[] = [];
  const notMeasured: NotMeasured[] = [];
  const slow: Array<{ testCase: EndpointCase; range: QueryRange }> = [];
  const sampler = new RssSampler(app.pid!, RSS_INTERVAL_MS);
  let rssMb: StepResult['rssMb'];
  try {
    const api = new ApiClient(app.url, env.token);
    for (const testCase of cases) {
      for (const range of ranges) {
        const outcome = await measureCase(api, db.client, testCase, range, env.iterations);
        if (outcome.status !== 'measured') {
          const detail = outcome.status === 'skipped' ? outcome.reason : outcome.detail;
          env.log(`  ${testCase.name} ${range.label}: ${outcome.status}: ${detail}`);
          notMeasured.push({ name: `${testCase.name} ${range.label}`, stored_rows: storedRows, status: outcome.status, detail });
          // A route that is not registered is absent for every range.
          if (outcome.status === 'skipped') break;
          continue;
        }
        const { endpoint, baseline } = outcome;
        figures.push({
          name: testCase.name,
          range: range.label,
          stored_rows: storedRows,
          p50_ms: endpoint.p50Ms,
          p95_ms: endpoint.p95Ms,
          min_ms: endpoint.minMs,
          max_ms: endpoint.maxMs,
          baseline_p50_ms: baseline.p50Ms,
          baseline_p95_ms: baseline.p95Ms,
          ratio: Math.round((endpoint.p50Ms / baseline.p50Ms) * 100) / 100,
          iterations: endpoint.samples,
        });
        env.log(`  ${testCase.name} ${range.label}: p50 ${endpoint.p50Ms} ms, p95 ${endpoint.p95Ms} ms; baseline p50 ${baseline.p50Ms} ms`);
        if (endpoint.p95Ms > env.profileOverMs) slow.push({ testCase, range });
      }
    }
  } finally {
    const samples = sampler.stop();
    rssMb = { idleMb: samples[0] ?? NaN, p50Mb: round(median(samples), 1), maxMb: samples.length === 0 ? NaN : Math.max(...samples), samples: samples.length };
    await app.stop();
    env.apps.delete(app);
  }
  const profiles = slow.length > 0 ? await profileSlowCases(db, env, slow) : [];
  return { figures, notMeasured, rssMb, profiles };
}

/** A second app instance behind the recorder answers each slow case again; the measured app is stopped by then. */
async function profileSlowCases(db: BenchDatabase, env: StepEnvironment, slow: Array<{ testCase: EndpointCase; range: QueryRange }>): Promise<CaseProfile[]> {
  env.log(`profiling ${slow.length} case(s) with p95 over ${env.profileOverMs} ms…`);
  const recorder = new ClickHouseRecorder(db.connection.url);
  const recorderUrl = await recorder.listen();
  const app = await startQueryApp(env.root, { ...db.connection, url: recorderUrl }, env.databaseUrl, env.configPath, (line) => env.log(`[query, profiled] ${line}`));
  env.apps.add(app);
  try {
    const api = new ApiClient(app.url, env.token);
    const profiles: CaseProfile[] = [];
    for (const { testCase, range } of slow) profiles.push(await profileCase(api, recorder, db.client, testCase, range));
    return profiles;
  } finally {
    await app.stop();
    env.apps.delete(app);
    await recorder.close();
  }
}
