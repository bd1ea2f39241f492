-- migrate:up
-- The events explorer filtered to one customer or one SKU, newest first: the time-ordered
-- projection holds a customer's events among everyone's, so a customer with 0.1% of them needed
-- the newest 50,000 rows read for one page (10M-event trial: 313-389 ms, 5.5M rows read). Ordered
-- by the filter first, a page reads its own granules (the same trial: 10 ms, 16,384 rows).
-- Customer and SKU together read the customer projection. Merges rebuild projections
-- (deduplicate_merge_projection_mode, migration 2), so each stays in step with the table.
ALTER TABLE {{ table('events') }} {{ on_cluster }}
    ADD PROJECTION IF NOT EXISTS events_by_customer (SELECT * ORDER BY merchant_id, customer_id, sent_at, event_id);

ALTER TABLE {{ table('events') }} {{ on_cluster }}
    ADD PROJECTION IF NOT EXISTS events_by_sku (SELECT * ORDER BY merchant_id, sku_id, sent_at, event_id);

ALTER TABLE {{ table('events') }} {{ on_cluster }} MATERIALIZE PROJECTION events_by_customer;

ALTER TABLE {{ table('events') }} {{ on_cluster }} MATERIALIZE PROJECTION events_by_sku;

-- migrate:down
