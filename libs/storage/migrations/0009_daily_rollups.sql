-- Per-day rollups of transactions and web vitals: a fourth tier above the per-hour rollups.
-- A week read from the hour tier merges 168 DDSketch and uniq states per key; the day tier merges
-- 7, plus the whole hours at either end of the range (docs/analytics.md, "tiers"). The uniq states
-- of a day hold each user once where the hours of that day held them up to 24 times.
-- Placeholders are rendered by the runner for one server or a cluster (docs/storage.md, "Cluster
-- mode"). {computed:hour_rollup_from} is the instant from which views created now see every row,
-- computed by the runner just before this file runs (libs/storage/src/rollup-tiers.ts): 0 when
-- transactions and web_vitals are empty (a fresh install), else the start of the second whole hour
-- after now. The day tier is read only for whole days from that instant on: recorded in
-- rollup_tiers as tier 'day', read by the query app with the hour tier's start.
INSERT INTO {local:rollup_tiers} (tier, valid_from) SETTINGS async_insert = 0
VALUES ('day', toDateTime({computed:hour_rollup_from}, 'UTC'));

-- Per day, transaction name, release and environment: the columns of transactions_hour.
-- ORDER BY (project_id, day, name, release, environment): a partition is one day, so `day` is
-- constant inside a part and the rows of one name are contiguous; every dimension is in the key
-- because AggregatingMergeTree merges rows with equal keys.
-- PARTITION BY / TTL / deduplication window: as transactions_hour, on day. The view is triggered
-- by the same insert as the minute and hour views, so deduplicate_blocks_in_dependent_materialized_views
-- passes the insert's token decision to this table too, and its own window stores the blocks.
CREATE TABLE IF NOT EXISTS {local:transactions_day} {on_cluster}
(
    project_id          UInt64,
    day                 DateTime('UTC'),
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
PARTITION BY (toDate(day), retention_days)
ORDER BY (project_id, day, name, release, environment)
TTL day + toIntervalDay(retention_days)
SETTINGS ttl_only_drop_parts = 1, non_replicated_deduplication_window = 1000;

{distributed:transactions_day};

CREATE MATERIALIZED VIEW IF NOT EXISTS {local:transactions_day_mv} {on_cluster}
TO {local:transactions_day}
AS SELECT
    project_id,
    toStartOfDay(toDateTime(timestamp, 'UTC')) AS day,
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
GROUP BY project_id, day, name, release, environment, retention_days;

-- Per day, vital, page, release, environment and browser: the columns of web_vitals_hour, the
-- same thresholds (written as in 0003_web_vitals.sql; a unit test checks them against libs/model).
-- ORDER BY: as transactions_day; a vitals query names one vital, then usually a page.
CREATE TABLE IF NOT EXISTS {local:web_vitals_day} {on_cluster}
(
    project_id          UInt64,
    day                 DateTime('UTC'),
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
PARTITION BY (toDate(day), retention_days)
ORDER BY (project_id, day, vital, page, release, environment, browser_name)
TTL day + toIntervalDay(retention_days)
SETTINGS ttl_only_drop_parts = 1, non_replicated_deduplication_window = 1000;

{distributed:web_vitals_day};

CREATE MATERIALIZED VIEW IF NOT EXISTS {local:web_vitals_day_mv} {on_cluster}
TO {local:web_vitals_day}
AS SELECT
    project_id,
    toStartOfDay(toDateTime(timestamp, 'UTC')) AS day,
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
GROUP BY project_id, day, vital, page, release, environment, browser_name, retention_days;
