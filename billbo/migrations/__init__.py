"""Schema migrations: dbmate for Postgres, a small runner of the same file format for ClickHouse."""
