"""Postgres access and the embedded Postgres server."""
