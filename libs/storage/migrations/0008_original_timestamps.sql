-- original_timestamp: the client's timestamp of a record whose time the ingest replaced by the
-- receive time (more than 60 s in the future or more than 30 days in the past after the clock
-- drift correction, as Relay does; docs/ingest.md, "Time"); NULL for every record stored as sent.
-- The row's own times (timestamp, and start_timestamp / started moved with it) are the corrected
-- ones, so partitions, rollups and retention see the receive time; this column keeps what the SDK
-- said. The column is added to every raw table: every kind has a timestamp the client set.
--
-- On a cluster the Distributed tables were created `AS` the local ones, which copied their columns
-- once: each gets the same column with a statement naming {distributed_table:…}, which runs only
-- on a cluster (docs/storage.md, "Cluster mode"), after the local tables have it.
ALTER TABLE {local:transactions} {on_cluster} ADD COLUMN IF NOT EXISTS original_timestamp Nullable(DateTime64(3, 'UTC')) AFTER timestamp;
ALTER TABLE {local:spans} {on_cluster} ADD COLUMN IF NOT EXISTS original_timestamp Nullable(DateTime64(3, 'UTC')) AFTER timestamp;
ALTER TABLE {local:web_vitals} {on_cluster} ADD COLUMN IF NOT EXISTS original_timestamp Nullable(DateTime64(3, 'UTC')) AFTER timestamp;
ALTER TABLE {local:errors} {on_cluster} ADD COLUMN IF NOT EXISTS original_timestamp Nullable(DateTime64(3, 'UTC')) AFTER timestamp;
ALTER TABLE {local:sessions} {on_cluster} ADD COLUMN IF NOT EXISTS original_timestamp Nullable(DateTime64(3, 'UTC')) AFTER timestamp;

ALTER TABLE {distributed_table:transactions} {on_cluster} ADD COLUMN IF NOT EXISTS original_timestamp Nullable(DateTime64(3, 'UTC')) AFTER timestamp;
ALTER TABLE {distributed_table:spans} {on_cluster} ADD COLUMN IF NOT EXISTS original_timestamp Nullable(DateTime64(3, 'UTC')) AFTER timestamp;
ALTER TABLE {distributed_table:web_vitals} {on_cluster} ADD COLUMN IF NOT EXISTS original_timestamp Nullable(DateTime64(3, 'UTC')) AFTER timestamp;
ALTER TABLE {distributed_table:errors} {on_cluster} ADD COLUMN IF NOT EXISTS original_timestamp Nullable(DateTime64(3, 'UTC')) AFTER timestamp;
ALTER TABLE {distributed_table:sessions} {on_cluster} ADD COLUMN IF NOT EXISTS original_timestamp Nullable(DateTime64(3, 'UTC')) AFTER timestamp;
