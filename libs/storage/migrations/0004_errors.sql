-- Errors: one row per error event, and the per-minute rollup by error group (fingerprint).
--
-- ORDER BY (project_id, toStartOfHour(timestamp), fingerprint, event_id): error queries take one
-- project and a time range, then list groups or read the events of one group; event_id last makes
-- the key unique per event. Trace lookups use the bloom filter on trace_id.
-- PARTITION BY (toDate(timestamp), retention_days) and the TTL: as for transactions.
-- The exception chain (ExceptionRecord[] of libs/model as JSON, outermost last, with frames) is
-- read only when one event is shown: a ZSTD-compressed String. The outermost exception's type and
-- value are flat columns for filtering and listing.
CREATE TABLE IF NOT EXISTS {local:errors} {on_cluster}
(
    project_id        UInt64,
    event_id          FixedString(32),
    timestamp         DateTime64(3, 'UTC'),
    level             LowCardinality(String),
    platform          LowCardinality(String),
    title             String,
    message           String CODEC(ZSTD(3)),
    culprit           String,
    fingerprint       FixedString(32),
    handled           Bool,
    exception_type    LowCardinality(String),
    exception_value   String,
    exceptions        String CODEC(ZSTD(3)),
    transaction       String,
    trace_id          String,
    span_id           String,
    release           LowCardinality(String),
    environment       LowCardinality(String),
    dist              LowCardinality(String),
    user_id           String,
    browser_name      LowCardinality(String),
    os_name           LowCardinality(String),
    sdk_name          LowCardinality(String),
    sdk_version       LowCardinality(String),
    tags              Map(LowCardinality(String), String),
    received_at       DateTime64(3, 'UTC'),
    retention_days    UInt16,
    INDEX trace_id_bloom trace_id TYPE bloom_filter(0.01) GRANULARITY 1
)
ENGINE = {engine:MergeTree}
PARTITION BY (toDate(timestamp), retention_days)
ORDER BY (project_id, toStartOfHour(timestamp), fingerprint, event_id)
TTL toDateTime(timestamp) + toIntervalDay(retention_days)
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1, non_replicated_deduplication_window = 1000;

-- Sharded by trace when the event has one (with its transaction and spans), else by its own id.
{distributed:errors:cityHash64(if(empty(trace_id), toString(event_id), trace_id))};

-- Per minute, error group, release and environment. title, culprit and level are the group's
-- latest-merged values (anyLast): the same for every event of a group in practice, not ordered.
-- ORDER BY: the raw table's order, then every other dimension (AggregatingMergeTree merges rows
-- with equal keys, so the key holds them all) and the minute. PARTITION BY / TTL: as the raw table.
CREATE TABLE IF NOT EXISTS {local:errors_minute} {on_cluster}
(
    project_id        UInt64,
    minute            DateTime('UTC'),
    fingerprint       FixedString(32),
    release           LowCardinality(String),
    environment       LowCardinality(String),
    retention_days    UInt16,
    count             SimpleAggregateFunction(sum, UInt64),
    users             AggregateFunction(uniq, String),
    first_seen        SimpleAggregateFunction(min, DateTime64(3, 'UTC')),
    last_seen         SimpleAggregateFunction(max, DateTime64(3, 'UTC')),
    title             SimpleAggregateFunction(anyLast, String),
    culprit           SimpleAggregateFunction(anyLast, String),
    level             SimpleAggregateFunction(anyLast, LowCardinality(String)),
    unhandled         SimpleAggregateFunction(sum, UInt64)
)
ENGINE = {engine:AggregatingMergeTree}
PARTITION BY (toDate(minute), retention_days)
ORDER BY (project_id, toStartOfHour(minute), fingerprint, release, environment, minute)
TTL minute + toIntervalDay(retention_days)
SETTINGS ttl_only_drop_parts = 1, non_replicated_deduplication_window = 1000;

{distributed:errors_minute};

CREATE MATERIALIZED VIEW IF NOT EXISTS {local:errors_minute_mv} {on_cluster}
TO {local:errors_minute}
AS SELECT
    project_id,
    toStartOfMinute(toDateTime(timestamp, 'UTC')) AS minute,
    fingerprint,
    release,
    environment,
    retention_days,
    count() AS count,
    uniqIfState(user_id, user_id != '') AS users,
    min(timestamp) AS first_seen,
    max(timestamp) AS last_seen,
    anyLast(title) AS title,
    anyLast(culprit) AS culprit,
    anyLast(level) AS level,
    countIf(NOT handled) AS unhandled
FROM {local:errors}
GROUP BY project_id, minute, fingerprint, release, environment, retention_days;
