-- Web Vitals: one row per measured sample (value in ms; CLS a unitless score), and the rollup.
--
-- ORDER BY (project_id, toStartOfHour(timestamp), vital, page): a vitals query always names one
-- project, a time range and a vital (mixing units makes no sense), then usually one page.
-- Samples have no id of their own; nothing needs the key to be unique.
-- PARTITION BY (toDate(timestamp), retention_days) and the TTL: as for transactions.
CREATE TABLE IF NOT EXISTS {local:web_vitals} {on_cluster}
(
    project_id        UInt64,
    vital             LowCardinality(String),
    value             Float64,
    page              String,
    trace_id          FixedString(32),
    segment_id        String,
    release           LowCardinality(String),
    environment       LowCardinality(String),
    browser_name      LowCardinality(String),
    browser_version   LowCardinality(String),
    os_name           LowCardinality(String),
    user_id           String,
    timestamp         DateTime64(3, 'UTC'),
    received_at       DateTime64(3, 'UTC'),
    retention_days    UInt16
)
ENGINE = {engine:MergeTree}
PARTITION BY (toDate(timestamp), retention_days)
ORDER BY (project_id, toStartOfHour(timestamp), vital, page)
TTL toDateTime(timestamp) + toIntervalDay(retention_days)
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1, non_replicated_deduplication_window = 1000;

-- Sharded by trace: a page view's samples sit with its pageload transaction.
{distributed:web_vitals:cityHash64(trace_id)};

-- Per minute, vital, page, release, environment and browser. Ratings follow the thresholds of
-- docs (metrics.md) and libs/model web-vitals.ts: good <= good threshold < needs improvement <=
-- poor threshold < poor. fp has no thresholds (transform gives nan, every comparison with nan is
-- false), so it counts in none of the three. Changing a threshold needs a new migration.
-- ORDER BY: the raw table's order, then every other dimension (AggregatingMergeTree merges rows
-- with equal keys, so the key holds them all) and the minute. PARTITION BY / TTL: as the raw table.
CREATE TABLE IF NOT EXISTS {local:web_vitals_minute} {on_cluster}
(
    project_id          UInt64,
    minute              DateTime('UTC'),
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
PARTITION BY (toDate(minute), retention_days)
ORDER BY (project_id, toStartOfHour(minute), vital, page, release, environment, browser_name, minute)
TTL minute + toIntervalDay(retention_days)
SETTINGS ttl_only_drop_parts = 1, non_replicated_deduplication_window = 1000;

{distributed:web_vitals_minute};

CREATE MATERIALIZED VIEW IF NOT EXISTS {local:web_vitals_minute_mv} {on_cluster}
TO {local:web_vitals_minute}
AS SELECT
    project_id,
    toStartOfMinute(toDateTime(timestamp, 'UTC')) AS minute,
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
)
GROUP BY project_id, minute, vital, page, release, environment, browser_name, retention_days;
