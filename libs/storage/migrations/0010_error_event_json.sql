-- event_json: the error event as the SDK sent it (the item's JSON text after decompression), so
-- the issue detail shows what the modelled columns leave out (breadcrumbs, request, contexts,
-- frames' context lines and vars, extra, modules…): nothing the SDK sent is silently lost. Bounded
-- at ingest (libs/model event-json.ts): an event over the bound is stored reduced, naming what was
-- dropped under `_pulse.trimmed`. '' for the rows written before this column.
-- Read only when one event is shown, never scanned by lists: a ZSTD-compressed String, as
-- `exceptions` (docs/storage.md, "errors").
--
-- On a cluster the Distributed table was created `AS` the local one, which copied its columns
-- once: it gets the same column with a statement naming {distributed_table:…}, which runs only on
-- a cluster (docs/storage.md, "Cluster mode"), after the local table has it.
ALTER TABLE {local:errors} {on_cluster} ADD COLUMN IF NOT EXISTS event_json String CODEC(ZSTD(3));

ALTER TABLE {distributed_table:errors} {on_cluster} ADD COLUMN IF NOT EXISTS event_json String CODEC(ZSTD(3));
