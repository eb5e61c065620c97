-- Raw transactions, one row per transaction event.
-- ORDER BY (project_id, toStartOfHour(timestamp), name, event_id): every query filters one project
-- and a time range first, then often one transaction name; event_id last makes the key unique
-- per event (a later migration may make the engine collapse redelivered copies on that key).
-- PARTITION BY day keeps parts small for TTL drops and for time-range pruning.
CREATE TABLE IF NOT EXISTS transactions
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
    browser_name      LowCardinality(String),
    os_name           LowCardinality(String),
    tags              Map(LowCardinality(String), String),
    measurements      Map(LowCardinality(String), Float64),
    received_at       DateTime64(3, 'UTC')
)
ENGINE = MergeTree
PARTITION BY toDate(timestamp)
ORDER BY (project_id, toStartOfHour(timestamp), name, event_id)
SETTINGS index_granularity = 8192
