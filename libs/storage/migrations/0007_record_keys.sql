-- Record keys: the identities of the records the consumer stored in the last day, so an event an
-- SDK sends again (a retry after a lost answer, an offline queue flushed twice) is stored once.
-- The consumer looks a batch's keys up here before it inserts the raw rows, and writes the keys of
-- the rows it stored after that insert (apps/consumer/src/record-batch.service.ts, docs/consumer.md).
-- Placeholders are rendered by the runner for one server or a cluster (docs/storage.md).
--
-- key: a 128-bit hash (MD5) of the project id and the record's identity (transaction and error:
--   event_id; span: trace_id + span_id; web vital: trace, page-load span, vital and value;
--   session update: sid and the update's fields). The project is inside the hash, so keys of two
--   projects never meet; kind keeps the five kinds apart.
-- batch: a hash of the insert_deduplication_token of the batch that stored the record. A batch
--   replayed after a crash finds its own keys and must not take them for duplicates: it has to
--   repeat its first insert exactly so that ClickHouse drops it by token.
-- ORDER BY (kind, key): a lookup is `kind = … AND key IN {keys}`, a primary-key read. The keys are
--   random, so each looked-up key lands in its own granule: a small index_granularity keeps the
--   rows read per lookup small (256 rows per key and part) for a primary index of ~65 KB per
--   million keys.
-- PARTITION BY toDate(received_at), TTL one day, ttl_only_drop_parts: a part goes as a whole once
--   its newest key is a day old, so a key is kept between 24 and 48 hours (plus the TTL merge
--   delay); the guarantee stated in the docs is the lower bound, 24 hours.
-- received_at is the server's now() at the insert: one value per insert, so one insert is one
--   partition and one block, and it lands whole or not at all.
-- non_replicated_deduplication_window: the consumer writes the keys under a token derived from
--   the batch's, so a replayed key insert is dropped like the raw one.
CREATE TABLE IF NOT EXISTS {local:record_keys} {on_cluster}
(
    kind         LowCardinality(String),
    key          UInt128,
    batch        UInt64,
    received_at  DateTime('UTC') DEFAULT now()
)
ENGINE = {engine:MergeTree}
PARTITION BY toDate(received_at)
ORDER BY (kind, key)
TTL received_at + toIntervalDay(1)
SETTINGS index_granularity = 256, ttl_only_drop_parts = 1, non_replicated_deduplication_window = 1000;

-- Sharded by the key itself (random, so even; deterministic, so a replayed key insert reaches the
-- shards that hold the first one). A lookup reads every shard through the Distributed table.
{distributed:record_keys:cityHash64(key)};
