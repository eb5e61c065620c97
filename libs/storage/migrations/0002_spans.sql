-- Spans: the child spans of transactions (the segment span itself is the transaction row).
--
-- ORDER BY (project_id, toStartOfHour(timestamp), transaction_name, op, trace_id, span_id): span
-- queries take one project and a time range, then usually the spans of one transaction and one
-- kind of work ("db queries of /checkout"); (trace_id, span_id) last makes the key unique per span.
-- Looking up a whole trace goes through the bloom filter on trace_id instead.
-- PARTITION BY (toDate(timestamp), retention_days) and the TTL: as for transactions (whole parts
-- expire). non_replicated_deduplication_window: a redelivered batch is dropped by its token.
CREATE TABLE IF NOT EXISTS {local:spans} {on_cluster}
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
ENGINE = {engine:MergeTree}
PARTITION BY (toDate(timestamp), retention_days)
ORDER BY (project_id, toStartOfHour(timestamp), transaction_name, op, trace_id, span_id)
TTL toDateTime(timestamp) + toIntervalDay(retention_days)
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1, non_replicated_deduplication_window = 1000;

-- Sharded by trace like transactions, so a trace's spans sit on the shard of its transaction.
{distributed:spans:cityHash64(trace_id)};
