import type { BenchDatabase } from './bench-database';

export interface MergeState {
  /** How long the background merges ran on after the fill. */
  settleSeconds: number;
  settled: boolean;
  /** Active parts per table (raw tables and rollups) once merges settled. */
  activePartsByTable: Record<string, number>;
}

const QUIET_PROBES = 3;
const PROBE_INTERVAL_MS = 1000;

/**
 * Waits until ClickHouse has run no merge in this database for three probes a second apart, so the
 * measurements do not share the CPU with merges of the fill, and reports the parts left. A server
 * that ingests all the time always has some unmerged parts; this measures the settled state.
 */
export async function waitForMerges(db: BenchDatabase, timeoutMs: number): Promise<MergeState> {
  const started = performance.now();
  let quiet = 0;
  while (quiet < QUIET_PROBES && performance.now() - started < timeoutMs) {
    const [row] = await db.select<{ n: string }>('SELECT count() AS n FROM system.merges WHERE database = {db:String}', { db: db.connection.database });
    quiet = Number(row.n) === 0 ? quiet + 1 : 0;
    if (quiet < QUIET_PROBES) await new Promise((resolve) => setTimeout(resolve, PROBE_INTERVAL_MS));
  }
  const parts = await db.select<{ table: string; n: string }>(
    'SELECT table, count() AS n FROM system.parts WHERE database = {db:String} AND active GROUP BY table ORDER BY table',
    { db: db.connection.database },
  );
  return {
    settleSeconds: Math.round((performance.now() - started) / 100) / 10,
    settled: quiet >= QUIET_PROBES,
    activePartsByTable: Object.fromEntries(parts.map((row) => [row.table, Number(row.n)])),
  };
}
