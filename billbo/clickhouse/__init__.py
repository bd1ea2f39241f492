"""ClickHouse access: the client factory, the schema migrations and the embedded local server."""
