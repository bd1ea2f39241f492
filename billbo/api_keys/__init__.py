"""API keys of the ingest API: made once, shown once, stored only as a SHA-256 digest."""
