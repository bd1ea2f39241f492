"""Dagster: usage loading, dbt rating, invoicing and Stripe export (see orchestration/definitions.py)."""
