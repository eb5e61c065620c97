-- Transactions: the raw table (one row per transaction event) and its per-minute rollup.
-- Placeholders ({on_cluster}, {local:…}, {engine:…}, {distributed:…}) are rendered by the runner for
-- one server or a cluster (docs/storage.md, "Cluster mode").
--
-- ORDER BY (project_id, toStartOfHour(timestamp), name, event_id): every query filters one project
-- and a time range first, then often one transaction name. The hour bucket keeps the primary index
-- selective over long ranges (within each hour the rows of one name are contiguous, which a key on
-- the exact timestamp would not give); event_id last makes the key unique per event.
-- PARTITION BY (toDate(timestamp), retention_days): one day of one retention per partition, so every
-- part expires as a whole and the TTL drops parts instead of rewriting them (ttl_only_drop_parts);
-- a day is also the unit of time-range pruning.
-- non_replicated_deduplication_window: a batch re-inserted with the same insert_deduplication_token
-- is dropped here and, through deduplicate_blocks_in_dependent_materialized_views, in the rollup.
CREATE TABLE IF NOT EXISTS {local:transactions} {on_cluster}
(
    project_id        UInt64,
    event_id          FixedString(32),
    trace_id          FixedString(32),
    span_id           FixedString(16),
    parent_span_id    String,
    name              String,
    source            LowCardinality(String),
    op                LowCardinality(String),
    status            LowCardinality(String),
    status_code       UInt8,
    start_timestamp   DateTime64(3, 'UTC'),
    timestamp         DateTime64(3, 'UTC'),
    duration_ms       Float64,
    release           LowCardinality(String),
    environment       LowCardinality(String),
    dist              LowCardinality(String),
    platform          LowCardinality(String),
    sdk_name          LowCardinality(String),
    sdk_version       LowCardinality(String),
    user_id           String,
    http_method       LowCardinality(String),
    http_status_code  UInt16,
    browser_name      LowCardinality(String),
    os_name           LowCardinality(String),
    tags              Map(LowCardinality(String), String),
    measurements      Map(LowCardinality(String), Float64),
    received_at       DateTime64(3, 'UTC'),
    retention_days    UInt16,
    INDEX trace_id_bloom trace_id TYPE bloom_filter(0.01) GRANULARITY 1
)
ENGINE = {engine:MergeTree}
PARTITION BY (toDate(timestamp), retention_days)
ORDER BY (project_id, toStartOfHour(timestamp), name, event_id)
TTL toDateTime(timestamp) + toIntervalDay(retention_days)
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1, non_replicated_deduplication_window = 1000;

-- Sharded by trace: a trace's transactions, spans and errors share a shard (trace lookups and joins
-- stay on one shard), trace ids are random (even spread), and the key is deterministic, so a
-- redelivered batch reaches the same shards and is deduplicated there by its token.
{distributed:transactions:cityHash64(trace_id)};

-- Per minute, transaction name, release and environment. Apdex and user misery use T = 300 ms
-- (satisfied d <= T, tolerated T < d <= 4T, miserable d > 4T); another T needs the raw table.
-- ORDER BY: the same reasoning as the raw table; every dimension is in the key because
-- AggregatingMergeTree merges rows with equal keys. PARTITION BY / TTL as the raw table, on minute.
CREATE TABLE IF NOT EXISTS {local:transactions_minute} {on_cluster}
(
    project_id          UInt64,
    minute              DateTime('UTC'),
    name                String,
    release             LowCardinality(String),
    environment         LowCardinality(String),
    retention_days      UInt16,
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
PARTITION BY (toDate(minute), retention_days)
ORDER BY (project_id, toStartOfHour(minute), name, release, environment, minute)
TTL minute + toIntervalDay(retention_days)
SETTINGS ttl_only_drop_parts = 1, non_replicated_deduplication_window = 1000;

-- Rollups are written only by the materialized view on each shard; their Distributed table is for
-- reading, so it has no sharding key (an insert into it fails on more than one shard).
{distributed:transactions_minute};

CREATE MATERIALIZED VIEW IF NOT EXISTS {local:transactions_minute_mv} {on_cluster}
TO {local:transactions_minute}
AS SELECT
    project_id,
    toStartOfMinute(toDateTime(timestamp, 'UTC')) AS minute,
    name,
    release,
    environment,
    retention_days,
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
GROUP BY project_id, minute, name, release, environment, retention_days;
