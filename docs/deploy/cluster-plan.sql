-- ClickHouse migrations of Pulse for cluster pulse, database pulse.
-- The statements `npm run migrate -- up` runs on a new database, in order, as rendered by
-- `npm run migrate -- plan` (libs/storage/src/migration-plan.ts) without connecting.
-- The first statement runs on the `default` database, the others with pulse as the default
-- one; after each migration's statements the runner records it in schema_migrations. On a
-- database with migrations applied, `up` runs only the pending ones.
-- Computed values as on a new database (empty tables): {computed:hour_rollup_from} = 0; on a database
-- with rows, `up` computes them when their migration runs (libs/storage/src/rollup-tiers.ts).

CREATE DATABASE IF NOT EXISTS pulse ON CLUSTER pulse;

-- The runner's bookkeeping.
CREATE TABLE IF NOT EXISTS pulse.schema_migrations ON CLUSTER pulse (version UInt32, name String, checksum String, applied_at DateTime64(3, 'UTC') DEFAULT now64(3)) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{database}/schema_migrations', '{replica}') ORDER BY version;

-- 0001_transactions
CREATE TABLE IF NOT EXISTS pulse.transactions_local ON CLUSTER pulse
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
ENGINE = ReplicatedMergeTree
PARTITION BY (toDate(timestamp), retention_days)
ORDER BY (project_id, toStartOfHour(timestamp), name, event_id)
TTL toDateTime(timestamp) + toIntervalDay(retention_days)
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1, non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS pulse.transactions ON CLUSTER pulse AS pulse.transactions_local ENGINE = Distributed('pulse', 'pulse', 'transactions_local', cityHash64(trace_id));

CREATE TABLE IF NOT EXISTS pulse.transactions_minute_local ON CLUSTER pulse
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
ENGINE = ReplicatedAggregatingMergeTree
PARTITION BY (toDate(minute), retention_days)
ORDER BY (project_id, toStartOfHour(minute), name, release, environment, minute)
TTL minute + toIntervalDay(retention_days)
SETTINGS ttl_only_drop_parts = 1, non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS pulse.transactions_minute ON CLUSTER pulse AS pulse.transactions_minute_local ENGINE = Distributed('pulse', 'pulse', 'transactions_minute_local');

CREATE MATERIALIZED VIEW IF NOT EXISTS pulse.transactions_minute_mv_local ON CLUSTER pulse
TO pulse.transactions_minute_local
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
FROM pulse.transactions_local
GROUP BY project_id, minute, name, release, environment, retention_days;

-- 0002_spans
CREATE TABLE IF NOT EXISTS pulse.spans_local ON CLUSTER pulse
(
    project_id        UInt64,
    trace_id          FixedString(32),
    span_id           FixedString(16),
    parent_span_id    String,
    segment_id        String,
    transaction_name  String,
    op                LowCardinality(String),
    description       String,
    status            LowCardinality(String),
    status_code       UInt8,
    start_timestamp   DateTime64(3, 'UTC'),
    timestamp         DateTime64(3, 'UTC'),
    duration_ms       Float64,
    release           LowCardinality(String),
    environment       LowCardinality(String),
    received_at       DateTime64(3, 'UTC'),
    retention_days    UInt16,
    INDEX trace_id_bloom trace_id TYPE bloom_filter(0.01) GRANULARITY 1
)
ENGINE = ReplicatedMergeTree
PARTITION BY (toDate(timestamp), retention_days)
ORDER BY (project_id, toStartOfHour(timestamp), transaction_name, op, trace_id, span_id)
TTL toDateTime(timestamp) + toIntervalDay(retention_days)
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1, non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS pulse.spans ON CLUSTER pulse AS pulse.spans_local ENGINE = Distributed('pulse', 'pulse', 'spans_local', cityHash64(trace_id));

-- 0003_web_vitals
CREATE TABLE IF NOT EXISTS pulse.web_vitals_local ON CLUSTER pulse
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
ENGINE = ReplicatedMergeTree
PARTITION BY (toDate(timestamp), retention_days)
ORDER BY (project_id, toStartOfHour(timestamp), vital, page)
TTL toDateTime(timestamp) + toIntervalDay(retention_days)
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1, non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS pulse.web_vitals ON CLUSTER pulse AS pulse.web_vitals_local ENGINE = Distributed('pulse', 'pulse', 'web_vitals_local', cityHash64(trace_id));

CREATE TABLE IF NOT EXISTS pulse.web_vitals_minute_local ON CLUSTER pulse
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
ENGINE = ReplicatedAggregatingMergeTree
PARTITION BY (toDate(minute), retention_days)
ORDER BY (project_id, toStartOfHour(minute), vital, page, release, environment, browser_name, minute)
TTL minute + toIntervalDay(retention_days)
SETTINGS ttl_only_drop_parts = 1, non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS pulse.web_vitals_minute ON CLUSTER pulse AS pulse.web_vitals_minute_local ENGINE = Distributed('pulse', 'pulse', 'web_vitals_minute_local');

CREATE MATERIALIZED VIEW IF NOT EXISTS pulse.web_vitals_minute_mv_local ON CLUSTER pulse
TO pulse.web_vitals_minute_local
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
    FROM pulse.web_vitals_local
)
GROUP BY project_id, minute, vital, page, release, environment, browser_name, retention_days;

-- 0004_errors
CREATE TABLE IF NOT EXISTS pulse.errors_local ON CLUSTER pulse
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
ENGINE = ReplicatedMergeTree
PARTITION BY (toDate(timestamp), retention_days)
ORDER BY (project_id, toStartOfHour(timestamp), fingerprint, event_id)
TTL toDateTime(timestamp) + toIntervalDay(retention_days)
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1, non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS pulse.errors ON CLUSTER pulse AS pulse.errors_local ENGINE = Distributed('pulse', 'pulse', 'errors_local', cityHash64(if(empty(trace_id), toString(event_id), trace_id)));

CREATE TABLE IF NOT EXISTS pulse.errors_minute_local ON CLUSTER pulse
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
ENGINE = ReplicatedAggregatingMergeTree
PARTITION BY (toDate(minute), retention_days)
ORDER BY (project_id, toStartOfHour(minute), fingerprint, release, environment, minute)
TTL minute + toIntervalDay(retention_days)
SETTINGS ttl_only_drop_parts = 1, non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS pulse.errors_minute ON CLUSTER pulse AS pulse.errors_minute_local ENGINE = Distributed('pulse', 'pulse', 'errors_minute_local');

CREATE MATERIALIZED VIEW IF NOT EXISTS pulse.errors_minute_mv_local ON CLUSTER pulse
TO pulse.errors_minute_local
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
FROM pulse.errors_local
GROUP BY project_id, minute, fingerprint, release, environment, retention_days;

-- 0005_sessions
CREATE TABLE IF NOT EXISTS pulse.sessions_local ON CLUSTER pulse
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
ENGINE = ReplicatedMergeTree
PARTITION BY (toDate(started), retention_days)
ORDER BY (project_id, toStartOfHour(started), release, environment, session_id)
TTL toDateTime(started) + toIntervalDay(retention_days)
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1, non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS pulse.sessions ON CLUSTER pulse AS pulse.sessions_local ENGINE = Distributed('pulse', 'pulse', 'sessions_local', cityHash64(session_id, started));

CREATE TABLE IF NOT EXISTS pulse.sessions_minute_local ON CLUSTER pulse
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
ENGINE = ReplicatedAggregatingMergeTree
PARTITION BY (toDate(minute), retention_days)
ORDER BY (project_id, toStartOfHour(minute), release, environment, minute)
TTL minute + toIntervalDay(retention_days)
SETTINGS ttl_only_drop_parts = 1, non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS pulse.sessions_minute ON CLUSTER pulse AS pulse.sessions_minute_local ENGINE = Distributed('pulse', 'pulse', 'sessions_minute_local');

CREATE MATERIALIZED VIEW IF NOT EXISTS pulse.sessions_minute_mv_local ON CLUSTER pulse
TO pulse.sessions_minute_local
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
FROM pulse.sessions_local
GROUP BY project_id, minute, release, environment, retention_days;

-- 0006_hourly_rollups
CREATE TABLE IF NOT EXISTS pulse.rollup_tiers_local ON CLUSTER pulse
(
    tier         LowCardinality(String),
    valid_from   DateTime('UTC'),
    recorded_at  DateTime('UTC') DEFAULT now()
)
ENGINE = ReplicatedMergeTree
ORDER BY tier;

CREATE TABLE IF NOT EXISTS pulse.rollup_tiers ON CLUSTER pulse AS pulse.rollup_tiers_local ENGINE = Distributed('pulse', 'pulse', 'rollup_tiers_local');

INSERT INTO pulse.rollup_tiers_local (tier, valid_from) SETTINGS async_insert = 0
VALUES ('hour', toDateTime(0, 'UTC'));

CREATE TABLE IF NOT EXISTS pulse.transactions_hour_local ON CLUSTER pulse
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
ENGINE = ReplicatedAggregatingMergeTree
PARTITION BY (toDate(hour), retention_days)
ORDER BY (project_id, toStartOfDay(hour), name, release, environment, hour)
TTL hour + toIntervalDay(retention_days)
SETTINGS ttl_only_drop_parts = 1, non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS pulse.transactions_hour ON CLUSTER pulse AS pulse.transactions_hour_local ENGINE = Distributed('pulse', 'pulse', 'transactions_hour_local');

CREATE MATERIALIZED VIEW IF NOT EXISTS pulse.transactions_hour_mv_local ON CLUSTER pulse
TO pulse.transactions_hour_local
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
FROM pulse.transactions_local
WHERE timestamp >= toDateTime(0, 'UTC')
GROUP BY project_id, hour, name, release, environment, retention_days;

CREATE TABLE IF NOT EXISTS pulse.web_vitals_hour_local ON CLUSTER pulse
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
ENGINE = ReplicatedAggregatingMergeTree
PARTITION BY (toDate(hour), retention_days)
ORDER BY (project_id, toStartOfDay(hour), vital, page, release, environment, browser_name, hour)
TTL hour + toIntervalDay(retention_days)
SETTINGS ttl_only_drop_parts = 1, non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS pulse.web_vitals_hour ON CLUSTER pulse AS pulse.web_vitals_hour_local ENGINE = Distributed('pulse', 'pulse', 'web_vitals_hour_local');

CREATE MATERIALIZED VIEW IF NOT EXISTS pulse.web_vitals_hour_mv_local ON CLUSTER pulse
TO pulse.web_vitals_hour_local
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
    FROM pulse.web_vitals_local
    WHERE timestamp >= toDateTime(0, 'UTC')
)
GROUP BY project_id, hour, vital, page, release, environment, browser_name, retention_days;

-- 0007_record_keys
CREATE TABLE IF NOT EXISTS pulse.record_keys_local ON CLUSTER pulse
(
    kind         LowCardinality(String),
    key          UInt128,
    batch        UInt64,
    received_at  DateTime('UTC') DEFAULT now()
)
ENGINE = ReplicatedMergeTree
PARTITION BY toDate(received_at)
ORDER BY (kind, key)
TTL received_at + toIntervalDay(1)
SETTINGS index_granularity = 256, ttl_only_drop_parts = 1, non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS pulse.record_keys ON CLUSTER pulse AS pulse.record_keys_local ENGINE = Distributed('pulse', 'pulse', 'record_keys_local', cityHash64(key));

-- 0008_original_timestamps
ALTER TABLE pulse.transactions_local ON CLUSTER pulse ADD COLUMN IF NOT EXISTS original_timestamp Nullable(DateTime64(3, 'UTC')) AFTER timestamp;

ALTER TABLE pulse.spans_local ON CLUSTER pulse ADD COLUMN IF NOT EXISTS original_timestamp Nullable(DateTime64(3, 'UTC')) AFTER timestamp;

ALTER TABLE pulse.web_vitals_local ON CLUSTER pulse ADD COLUMN IF NOT EXISTS original_timestamp Nullable(DateTime64(3, 'UTC')) AFTER timestamp;

ALTER TABLE pulse.errors_local ON CLUSTER pulse ADD COLUMN IF NOT EXISTS original_timestamp Nullable(DateTime64(3, 'UTC')) AFTER timestamp;

ALTER TABLE pulse.sessions_local ON CLUSTER pulse ADD COLUMN IF NOT EXISTS original_timestamp Nullable(DateTime64(3, 'UTC')) AFTER timestamp;

ALTER TABLE pulse.transactions ON CLUSTER pulse ADD COLUMN IF NOT EXISTS original_timestamp Nullable(DateTime64(3, 'UTC')) AFTER timestamp;

ALTER TABLE pulse.spans ON CLUSTER pulse ADD COLUMN IF NOT EXISTS original_timestamp Nullable(DateTime64(3, 'UTC')) AFTER timestamp;

ALTER TABLE pulse.web_vitals ON CLUSTER pulse ADD COLUMN IF NOT EXISTS original_timestamp Nullable(DateTime64(3, 'UTC')) AFTER timestamp;

ALTER TABLE pulse.errors ON CLUSTER pulse ADD COLUMN IF NOT EXISTS original_timestamp Nullable(DateTime64(3, 'UTC')) AFTER timestamp;

ALTER TABLE pulse.sessions ON CLUSTER pulse ADD COLUMN IF NOT EXISTS original_timestamp Nullable(DateTime64(3, 'UTC')) AFTER timestamp;

-- 0009_daily_rollups
INSERT INTO pulse.rollup_tiers_local (tier, valid_from) SETTINGS async_insert = 0
VALUES ('day', toDateTime(0, 'UTC'));

CREATE TABLE IF NOT EXISTS pulse.transactions_day_local ON CLUSTER pulse
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
ENGINE = ReplicatedAggregatingMergeTree
PARTITION BY (toDate(day), retention_days)
ORDER BY (project_id, day, name, release, environment)
TTL day + toIntervalDay(retention_days)
SETTINGS ttl_only_drop_parts = 1, non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS pulse.transactions_day ON CLUSTER pulse AS pulse.transactions_day_local ENGINE = Distributed('pulse', 'pulse', 'transactions_day_local');

CREATE MATERIALIZED VIEW IF NOT EXISTS pulse.transactions_day_mv_local ON CLUSTER pulse
TO pulse.transactions_day_local
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
FROM pulse.transactions_local
WHERE timestamp >= toDateTime(0, 'UTC')
GROUP BY project_id, day, name, release, environment, retention_days;

CREATE TABLE IF NOT EXISTS pulse.web_vitals_day_local ON CLUSTER pulse
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
ENGINE = ReplicatedAggregatingMergeTree
PARTITION BY (toDate(day), retention_days)
ORDER BY (project_id, day, vital, page, release, environment, browser_name)
TTL day + toIntervalDay(retention_days)
SETTINGS ttl_only_drop_parts = 1, non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS pulse.web_vitals_day ON CLUSTER pulse AS pulse.web_vitals_day_local ENGINE = Distributed('pulse', 'pulse', 'web_vitals_day_local');

CREATE MATERIALIZED VIEW IF NOT EXISTS pulse.web_vitals_day_mv_local ON CLUSTER pulse
TO pulse.web_vitals_day_local
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
    FROM pulse.web_vitals_local
    WHERE timestamp >= toDateTime(0, 'UTC')
)
GROUP BY project_id, day, vital, page, release, environment, browser_name, retention_days;

-- 0010_error_event_json
ALTER TABLE pulse.errors_local ON CLUSTER pulse ADD COLUMN IF NOT EXISTS event_json String CODEC(ZSTD(3));

ALTER TABLE pulse.errors ON CLUSTER pulse ADD COLUMN IF NOT EXISTS event_json String CODEC(ZSTD(3));

-- 0011_client_outcomes
CREATE TABLE IF NOT EXISTS pulse.client_outcomes_local ON CLUSTER pulse
(
    project_id          UInt64,
    timestamp           DateTime64(3, 'UTC'),
    original_timestamp  Nullable(DateTime64(3, 'UTC')),
    reason              LowCardinality(String),
    category            LowCardinality(String),
    quantity            UInt64,
    release             LowCardinality(String),
    environment         LowCardinality(String),
    sdk_name            LowCardinality(String),
    sdk_version         LowCardinality(String),
    received_at         DateTime64(3, 'UTC'),
    retention_days      UInt16
)
ENGINE = ReplicatedMergeTree
PARTITION BY (toDate(timestamp), retention_days)
ORDER BY (project_id, toStartOfHour(timestamp), reason, category)
TTL toDateTime(timestamp) + toIntervalDay(retention_days)
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1, non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS pulse.client_outcomes ON CLUSTER pulse AS pulse.client_outcomes_local ENGINE = Distributed('pulse', 'pulse', 'client_outcomes_local', cityHash64(project_id, timestamp));
