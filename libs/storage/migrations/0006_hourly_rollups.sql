-- Per-hour rollups of transactions and web vitals: a third tier above the per-minute rollups.
-- Long ranges read whole hours from here (docs/analytics.md): merging DDSketch states costs about
-- 0.58 µs per row, and a minute row holds only a few transactions, so a week of minute rows is
-- slower to merge than the raw values are to sketch; an hour row holds ~60 times more.
-- Placeholders ({on_cluster}, {local:…}, {engine:…}, {distributed:…}) are rendered by the runner for
-- one server or a cluster (docs/storage.md, "Cluster mode"). {computed:hour_rollup_from} is computed
-- by the runner just before this file runs (libs/storage/src/rollup-tiers.ts), in epoch seconds:
-- 0 when transactions and web_vitals are empty (a fresh install: the views see every row), else
-- the start of the second whole hour after now (older rows were inserted before the views existed,
-- and the ingest never stores a timestamp more than 60 s after receipt).
--
-- The hour tier is therefore complete only from that instant on. It is recorded in rollup_tiers,
-- which the query app reads; hours before it are answered from the minute rollups and raw rows.
-- Rows are only appended: the app reads max(valid_from), so a re-run after a failure (which
-- computes a later start, while the view keeps the first one) still names an instant from which
-- the view saw every row.
CREATE TABLE IF NOT EXISTS {local:rollup_tiers} {on_cluster}
(
    tier         LowCardinality(String),
    valid_from   DateTime('UTC'),
    recorded_at  DateTime('UTC') DEFAULT now()
)
ENGINE = {engine:MergeTree}
ORDER BY tier;

-- Read only (max over all shards); the migration writes the local table of the node it runs on.
{distributed:rollup_tiers};

INSERT INTO {local:rollup_tiers} (tier, valid_from) SETTINGS async_insert = 0
VALUES ('hour', toDateTime({computed:hour_rollup_from}, 'UTC'));

-- Per hour, transaction name, release and environment: the columns of transactions_minute, plus
-- first_minute (the earliest minute of the hour with a transaction), which release health reports
-- to the minute on every path.
-- ORDER BY (project_id, toStartOfDay(hour), name, release, environment, hour): the shape of the
-- minute rollup's key one step coarser. A query filtered by a transaction name finds its rows
-- contiguous within each day (a key starting with the exact hour would interleave all names);
-- every dimension is in the key because AggregatingMergeTree merges rows with equal keys.
-- A partition is one day, so toStartOfDay(hour) is constant inside a part: it costs nothing and
-- keeps the key valid should the partitioning change.
-- PARTITION BY / TTL / deduplication window: as transactions_minute, on hour. The view is
-- triggered by the same insert as the minute view, so deduplicate_blocks_in_dependent_materialized_views
-- passes the insert's token decision to this table too, and its own window stores the blocks.
-- The view reads rows from hour_rollup_from on: no hour before it is partly filled.
CREATE TABLE IF NOT EXISTS {local:transactions_hour} {on_cluster}
(
    project_id          UInt64,
    hour                DateTime('UTC'),
    name                String,
    release             LowCardinality(String),
    environment         LowCardinality(String),
    retention_days      UInt16,
    first_minute        SimpleAggregateFunction(min, DateTime('UTC')),
    count               SimpleAggregateFunction(sum, UInt64),
    failures            SimpleAggregateFunction(sum, UInt64),
    duration_quantiles  AggregateFunction(quantilesDD(0.01, 0.5, 0.75, 0.95, 0.99), Float64),
    duration_sum        SimpleAggregateFunction(sum, Float64),
    duration_max        SimpleAggregateFunction(max, Float64),
    satisfied           SimpleAggregateFunction(sum, UInt64),
    tolerated           SimpleAggregateFunction(sum, UInt64),
    users               AggregateFunction(uniq, String),
    miserable_users     AggregateFunction(uniq, String)
)
ENGINE = {engine:AggregatingMergeTree}
PARTITION BY (toDate(hour), retention_days)
ORDER BY (project_id, toStartOfDay(hour), name, release, environment, hour)
TTL hour + toIntervalDay(retention_days)
SETTINGS ttl_only_drop_parts = 1, non_replicated_deduplication_window = 1000;

{distributed:transactions_hour};

CREATE MATERIALIZED VIEW IF NOT EXISTS {local:transactions_hour_mv} {on_cluster}
TO {local:transactions_hour}
AS SELECT
    project_id,
    toStartOfHour(toDateTime(timestamp, 'UTC')) AS hour,
    name,
    release,
    environment,
    retention_days,
    min(toStartOfMinute(toDateTime(timestamp, 'UTC'))) AS first_minute,
    count() AS count,
    countIf(status NOT IN ('ok', 'cancelled', 'unknown')) AS failures,
    quantilesDDState(0.01, 0.5, 0.75, 0.95, 0.99)(duration_ms) AS duration_quantiles,
    sum(duration_ms) AS duration_sum,
    max(duration_ms) AS duration_max,
    countIf(duration_ms <= 300) AS satisfied,
    countIf(duration_ms > 300 AND duration_ms <= 1200) AS tolerated,
    uniqIfState(user_id, user_id != '') AS users,
    uniqIfState(user_id, user_id != '' AND duration_ms > 1200) AS miserable_users
FROM {local:transactions}
WHERE timestamp >= toDateTime({computed:hour_rollup_from}, 'UTC')
GROUP BY project_id, hour, name, release, environment, retention_days;

-- Per hour, vital, page, release, environment and browser: the columns of web_vitals_minute, the
-- same thresholds (written as in 0003_web_vitals.sql; a unit test checks both against libs/model).
-- ORDER BY: the minute rollup's key one step coarser, as for transactions_hour; a vitals query
-- names one vital, then usually a page. PARTITION BY / TTL / deduplication: as web_vitals_minute.
CREATE TABLE IF NOT EXISTS {local:web_vitals_hour} {on_cluster}
(
    project_id          UInt64,
    hour                DateTime('UTC'),
    vital               LowCardinality(String),
    page                String,
    release             LowCardinality(String),
    environment         LowCardinality(String),
    browser_name        LowCardinality(String),
    retention_days      UInt16,
    count               SimpleAggregateFunction(sum, UInt64),
    value_quantiles     AggregateFunction(quantilesDD(0.01, 0.5, 0.75, 0.95, 0.99), Float64),
    good                SimpleAggregateFunction(sum, UInt64),
    needs_improvement   SimpleAggregateFunction(sum, UInt64),
    poor                SimpleAggregateFunction(sum, UInt64),
    value_sum           SimpleAggregateFunction(sum, Float64)
)
ENGINE = {engine:AggregatingMergeTree}
PARTITION BY (toDate(hour), retention_days)
ORDER BY (project_id, toStartOfDay(hour), vital, page, release, environment, browser_name, hour)
TTL hour + toIntervalDay(retention_days)
SETTINGS ttl_only_drop_parts = 1, non_replicated_deduplication_window = 1000;

{distributed:web_vitals_hour};

CREATE MATERIALIZED VIEW IF NOT EXISTS {local:web_vitals_hour_mv} {on_cluster}
TO {local:web_vitals_hour}
AS SELECT
    project_id,
    toStartOfHour(toDateTime(timestamp, 'UTC')) AS hour,
    vital,
    page,
    release,
    environment,
    browser_name,
    retention_days,
    count() AS count,
    quantilesDDState(0.01, 0.5, 0.75, 0.95, 0.99)(value) AS value_quantiles,
    countIf(value <= good_threshold) AS good,
    countIf(value > good_threshold AND value <= poor_threshold) AS needs_improvement,
    countIf(value > poor_threshold) AS poor,
    sum(value) AS value_sum
FROM
(
    SELECT
        *,
        transform(toString(vital), ['lcp', 'inp', 'cls', 'fcp', 'ttfb', 'fid'], [2500., 200., 0.1, 1800., 800., 100.], nan) AS good_threshold,
        transform(toString(vital), ['lcp', 'inp', 'cls', 'fcp', 'ttfb', 'fid'], [4000., 500., 0.25, 3000., 1800., 300.], nan) AS poor_threshold
    FROM {local:web_vitals}
    WHERE timestamp >= toDateTime({computed:hour_rollup_from}, 'UTC')
)
GROUP BY project_id, hour, vital, page, release, environment, browser_name, retention_days;
