"""Usage events: the ingest contract (models and every check), how events are stored in
ClickHouse, and how they are found again."""
