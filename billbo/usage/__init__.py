"""Usage: the deduplicated quantity of events per customer, SKU and day, read live from ClickHouse
(with its estimated cost) and loaded day by day into Postgres, where rating reads it."""
