"""Postgres access (the embedded Postgres server is in ``billbo.local``)."""
