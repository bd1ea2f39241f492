-- migrate:up
-- Rating reads one billing period of usage_daily through the period expression (see
-- 20261125000013). A B-tree on it cost a quarter of every load's COPY (0.4 s of 1.6 s for a
-- month of 1,000 customers x 20 SKUs, at 10M events); a BRIN index on the same expression costs
-- almost nothing to keep, and serves the same filter: loads write whole days in primary-key
-- order, (merchant, day, ...), so a period's rows sit in few block ranges.
drop index usage_daily_period_idx;
create index usage_daily_period_brin on usage_daily using brin ((date_trunc('month', day::timestamp)::date))
    with (pages_per_range = 16);

-- migrate:down
