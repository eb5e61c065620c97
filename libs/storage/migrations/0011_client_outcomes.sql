-- "Dropped by the client": the outcomes of SDK client reports (`client_report` envelope items),
-- one row per report, reason and data category, with the number of items the SDK discarded
-- (reason and category as the SDK sent them: SDKs add new ones). Release and environment come from
-- the envelope header's `trace`, the SDK from its `sdk` ('' when absent).
--
-- No rollup: a project sends a handful of reports a minute per SDK process, and the query sums
-- them per reason and category over its range straight from this table.
-- ORDER BY (project_id, toStartOfHour(timestamp), reason, category): the query takes one project
-- and a time range and groups by reason and category.
-- PARTITION BY (toDate(timestamp), retention_days) and the TTL: as for transactions.
-- Rows have no identity (a client report has no id): nothing is deduplicated against record_keys;
-- non_replicated_deduplication_window keeps the consumer's replay of a Kafka range exact.
CREATE TABLE IF NOT EXISTS {local:client_outcomes} {on_cluster}
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
ENGINE = {engine:MergeTree}
PARTITION BY (toDate(timestamp), retention_days)
ORDER BY (project_id, toStartOfHour(timestamp), reason, category)
TTL toDateTime(timestamp) + toIntervalDay(retention_days)
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1, non_replicated_deduplication_window = 1000;

-- Sharded by project and time: the rows have no id, and a project's reports spread over the shards.
{distributed:client_outcomes:cityHash64(project_id, timestamp)};
