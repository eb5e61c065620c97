-- Sessions (release health): one row per session update (quantity 1) or per non-zero status count
-- of an aggregate bucket (quantity = that count, session_id empty, init true), and the rollup.
--
-- Time is `started`, not the update's timestamp: every update of a session then falls in the same
-- hour, partition and rollup minute, so per-session distinct counts are whole in each bucket and a
-- session's crash counts against the time it started (as Sentry's release health does).
-- ORDER BY (project_id, toStartOfHour(started), release, environment, session_id): release health
-- is asked per project, time range and release (then environment); session_id groups a session's
-- updates.
-- PARTITION BY (toDate(started), retention_days) and the TTL: as for transactions.
CREATE TABLE IF NOT EXISTS {local:sessions} {on_cluster}
(
    project_id        UInt64,
    session_id        String,
    distinct_id       String,
    status            LowCardinality(String),
    init              Bool,
    errors            UInt64,
    quantity          UInt64,
    started           DateTime64(3, 'UTC'),
    timestamp         DateTime64(3, 'UTC'),
    duration_s        Nullable(Float64),
    release           LowCardinality(String),
    environment       LowCardinality(String),
    received_at       DateTime64(3, 'UTC'),
    retention_days    UInt16
)
ENGINE = {engine:MergeTree}
PARTITION BY (toDate(started), retention_days)
ORDER BY (project_id, toStartOfHour(started), release, environment, session_id)
TTL toDateTime(started) + toIntervalDay(retention_days)
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1, non_replicated_deduplication_window = 1000;

-- Sharded by session (all updates of a session on one shard) and start time (spreads the
-- aggregate buckets, whose session_id is empty).
{distributed:sessions:cityHash64(session_id, started)};

-- Per minute (of `started`), release and environment. Formulas for the query side are in
-- docs/storage.md; errored sessions = uniqMerge(errored_session_ids) + sum(errored_sessions_aggregated).
--   started_sessions             sum(quantity) of init rows (a session's first update; aggregates)
--   crashed_sessions, abnormal_sessions   sum(quantity) of rows with that status
--   errored_session_ids          individual sessions that ever had errors > 0 or status errored,
--                                crashed or abnormal; a session sends many updates, so distinct ids
--   errored_sessions_aggregated  the errored + crashed + abnormal counts of aggregate buckets
--   users, crashed_users         distinct distinct_id (all rows / crashed rows), empty ids left out
-- ORDER BY: the raw table's order, then the minute (every dimension is in the key, since
-- AggregatingMergeTree merges rows with equal keys). PARTITION BY / TTL: as the raw table.
CREATE TABLE IF NOT EXISTS {local:sessions_minute} {on_cluster}
(
    project_id                   UInt64,
    minute                       DateTime('UTC'),
    release                      LowCardinality(String),
    environment                  LowCardinality(String),
    retention_days               UInt16,
    started_sessions             SimpleAggregateFunction(sum, UInt64),
    crashed_sessions             SimpleAggregateFunction(sum, UInt64),
    abnormal_sessions            SimpleAggregateFunction(sum, UInt64),
    errored_session_ids          AggregateFunction(uniq, String),
    errored_sessions_aggregated  SimpleAggregateFunction(sum, UInt64),
    users                        AggregateFunction(uniq, String),
    crashed_users                AggregateFunction(uniq, String)
)
ENGINE = {engine:AggregatingMergeTree}
PARTITION BY (toDate(minute), retention_days)
ORDER BY (project_id, toStartOfHour(minute), release, environment, minute)
TTL minute + toIntervalDay(retention_days)
SETTINGS ttl_only_drop_parts = 1, non_replicated_deduplication_window = 1000;

{distributed:sessions_minute};

CREATE MATERIALIZED VIEW IF NOT EXISTS {local:sessions_minute_mv} {on_cluster}
TO {local:sessions_minute}
AS SELECT
    project_id,
    toStartOfMinute(toDateTime(started, 'UTC')) AS minute,
    release,
    environment,
    retention_days,
    sumIf(quantity, init) AS started_sessions,
    sumIf(quantity, status = 'crashed') AS crashed_sessions,
    sumIf(quantity, status = 'abnormal') AS abnormal_sessions,
    uniqIfState(session_id, session_id != '' AND (errors > 0 OR status IN ('errored', 'crashed', 'abnormal'))) AS errored_session_ids,
    sumIf(quantity, session_id = '' AND status IN ('errored', 'crashed', 'abnormal')) AS errored_sessions_aggregated,
    uniqIfState(distinct_id, distinct_id != '') AS users,
    uniqIfState(distinct_id, distinct_id != '' AND status = 'crashed') AS crashed_users
FROM {local:sessions}
GROUP BY project_id, minute, release, environment, retention_days;
