-- migrate:up
-- Raw usage events as the ingest API stored them: one row per stored copy of an event.
--
-- Deduplication: the sorting key is (merchant_id, event_id), so ReplacingMergeTree keeps one row
-- per event id and merchant, whatever its timestamp. Readers use FINAL (or argMin by
-- ingested_at) to see each event once before background merges have run. The version column
-- is the inverted ingestion time, so the copy that survives is the first one stored.
-- Amounts are exact decimals: Float64 sums change with the order of summation.
CREATE TABLE IF NOT EXISTS {{ table('events') }} {{ on_cluster }}
(
    merchant_id UUID,
    event_id String,
    customer_id UUID,
    sku_id UUID,
    amount Decimal(38, 12),
    sent_at DateTime64(6, 'UTC'),
    ingested_at DateTime64(6, 'UTC') DEFAULT now64(6),
    first_stored UInt64 MATERIALIZED 18446744073709551615 - toUnixTimestamp64Micro(ingested_at),
    INDEX events_customer_idx customer_id TYPE bloom_filter GRANULARITY 4,
    INDEX events_sku_idx sku_id TYPE bloom_filter GRANULARITY 4,
    INDEX events_sent_at_idx sent_at TYPE minmax GRANULARITY 1,
    INDEX events_ingested_at_idx ingested_at TYPE minmax GRANULARITY 1
)
ENGINE = {{ engine('events', 'ReplacingMergeTree', 'first_stored') }}
PARTITION BY toYYYYMM(sent_at)
ORDER BY (merchant_id, event_id);

-- On a cluster: rows of one (merchant, event id) always land on the same shard, so each shard
-- deduplicates on its own and FINAL stays exact across the cluster.
{{ distributed('events', 'cityHash64(merchant_id, event_id)') }}

-- migrate:down
