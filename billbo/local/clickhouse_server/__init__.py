"""A small server that speaks the ClickHouse HTTP interface over chDB, the in-process ClickHouse.

Only one process may open a chDB data directory, so the embedded ClickHouse runs as its own
process and every other BillBo process talks to it with clickhouse-connect over HTTP, exactly as
it would talk to a production ClickHouse server.
"""
