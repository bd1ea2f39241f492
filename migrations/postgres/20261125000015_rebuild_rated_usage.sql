-- migrate:up
-- rating.rated_usage gained the tier breakdown, the billable quantity, the minimum top-up and the
-- days of usage, and its pricing_model became text. It is derived data (dbt builds it from
-- usage_daily and the price versions; invoices keep their own lines), so rather than altering it,
-- drop it: the next rating run of a period rebuilds that period with the new columns, and
-- `billbo rate --period YYYY-MM` rebuilds any other. Nothing billed changes: finalised invoices
-- are never rewritten, and a re-rated finalised period only shows a difference if usage changed.
drop table if exists rating.rated_usage;

-- migrate:down
