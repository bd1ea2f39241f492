-- migrate:up
-- billbo_rate (20261124000011) gave the amount alone; since 20261125000014 it only wrapped
-- billbo_rating, which gives the amount with its breakdown and is what the dbt rating models call.
-- Nothing calls billbo_rate any more: the tier math is billbo_rating's, once in SQL.
drop function billbo_rate(pricing_model, numeric, numeric, numeric, jsonb, numeric, numeric, numeric, boolean);

-- migrate:down
