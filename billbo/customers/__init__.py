"""The merchant's customers: one record, written by the ingest and the dashboard APIs."""
