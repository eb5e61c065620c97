import { ClickHouseClient, ClickHouseError } from '@clickhouse/client';

/**
 * The per-hour rollups (0006_hourly_rollups.sql) are filled by materialized views, which only see
 * rows inserted after they exist. So the hour tier is complete only from an instant fixed when the
 * migration ran, recorded in `rollup_tiers` (docs/storage.md, "Per-hour rollups"):
 *
 * - 0 when `transactions` and `web_vitals` are still empty: every row ever stored passes the views;
 * - otherwise the start of the second whole hour after the server's `now()`: a row stored before
 *   the views existed has a timestamp at most 60 s after it was received (MAX_FUTURE_MS of the
 *   ingest), so none of them falls in an hour from then on, and the margin absorbs clock skew
 *   between the ingest and ClickHouse.
 */
export const HOUR_ROLLUP_FROM = 'hour_rollup_from';

/** The raw tables the hour views read: with a row in either, the hour tier cannot cover the past. */
const HOUR_TIER_SOURCES = ['transactions', 'web_vitals'] as const;

/** `{computed:hour_rollup_from}` of 0006_hourly_rollups.sql, in epoch seconds. */
export async function computeHourRollupFrom(client: ClickHouseClient): Promise<number> {
  const stored = HOUR_TIER_SOURCES.map((table) => `(SELECT count() FROM ${table})`).join(' + ');
  const result = await client.query({
    query: `SELECT if(${stored} = 0, 0, toUnixTimestamp(toStartOfHour(now()) + INTERVAL 2 HOUR)) AS from_s`,
    format: 'JSONEachRow',
  });
  const [row] = await result.json<{ from_s: number | string }>();
  return Number(row.from_s);
}

const UNKNOWN_TABLE = '60';

/**
 * The instant from which the hour rollups hold every row, in epoch ms; undefined before
 * 0006_hourly_rollups.sql ran (the query app then reads the minute tier only).
 */
export async function readHourRollupFrom(client: ClickHouseClient): Promise<number | undefined> {
  return (await readRollupStarts(client)).hourRollupFromMs;
}

/**
 * From when the hour (0006) and day (0009_daily_rollups.sql) rollups hold every row, in epoch ms;
 * a tier whose migration has not run is left undefined (the query app then reads the finer tiers).
 * `max`: a migration re-run after a failure appends a later start, and the later one is the safe
 * one. Both migrations take the same computed instant (`{computed:hour_rollup_from}`: from then
 * on every row passes the views created in that run).
 */
export async function readRollupStarts(client: ClickHouseClient): Promise<{ hourRollupFromMs?: number; dayRollupFromMs?: number }> {
  try {
    const result = await client.query({
      query: "SELECT tier, toUnixTimestamp(max(valid_from)) AS from_s FROM rollup_tiers WHERE tier IN ('hour', 'day') GROUP BY tier",
      format: 'JSONEachRow',
    });
    const rows = await result.json<{ tier: string; from_s: number | string }>();
    const fromMs = (tier: string) => {
      const row = rows.find((r) => r.tier === tier);
      return row === undefined ? undefined : Number(row.from_s) * 1000;
    };
    return { hourRollupFromMs: fromMs('hour'), dayRollupFromMs: fromMs('day') };
  } catch (error) {
    if (error instanceof ClickHouseError && error.code === UNKNOWN_TABLE) return {};
    throw error;
  }
}
