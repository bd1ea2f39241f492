-- migrate:up
-- The events explorer reads a merchant's events newest first. The table is sorted by
-- (merchant_id, event_id) for deduplication, so a time-ordered projection serves those reads
-- (a 10M-event trial: 400-850 ms with FINAL on the table, 35 ms in the projection). Merges of a
-- ReplacingMergeTree with a projection must rebuild it, so the deduplicated parts stay in step.
ALTER TABLE {{ table('events') }} {{ on_cluster }} MODIFY SETTING deduplicate_merge_projection_mode = 'rebuild';

ALTER TABLE {{ table('events') }} {{ on_cluster }}
    ADD PROJECTION IF NOT EXISTS events_by_time (SELECT * ORDER BY merchant_id, sent_at, event_id);

ALTER TABLE {{ table('events') }} {{ on_cluster }} MATERIALIZE PROJECTION events_by_time;

-- migrate:down
