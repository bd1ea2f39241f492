-- migrate:up
-- Rating reads one billing period of usage (rating.stg_billbo__usage_daily computes the period
-- with exactly this expression, so Postgres uses the index for `period_start = ...`).
create index usage_daily_period_idx on usage_daily ((date_trunc('month', day::timestamp)::date));

-- migrate:down
