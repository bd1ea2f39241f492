-- migrate:up
-- Pre-aggregated usage for the dashboard's reads: per merchant, day, customer and SKU, the
-- deduplicated quantity and event count of the events whose first stored copy was ingested at or
-- before the load's watermark (see docs/decisions.md, D31). Each load of a day writes, for every
-- merchant, one `load` row carrying the watermark and one `usage` row per customer and SKU, in one
-- insert per day, all under the load's version: a reader sees a day's rows and their watermark from
-- the same load. Events ingested after the watermark are read from `events` (the small tail).
CREATE TABLE IF NOT EXISTS {{ table('usage_daily') }} {{ on_cluster }}
(
    merchant_id UUID,
    day Date,
    customer_id UUID,
    sku_id UUID,
    row_kind Enum8('usage' = 1, 'load' = 2),
    quantity Decimal(38, 12),
    events UInt64,
    watermark DateTime64(6, 'UTC'),
    version UInt64
)
ENGINE = {{ engine('usage_daily', 'ReplacingMergeTree', 'version') }}
PARTITION BY toYYYYMM(day)
ORDER BY (merchant_id, day, row_kind, customer_id, sku_id);

-- On a cluster: a merchant's rows, its load rows included, live on one shard, so FINAL and the
-- pairing of a day's rows with its watermark stay per shard.
{{ distributed('usage_daily', 'cityHash64(merchant_id)') }}

-- migrate:down
