"""Dagster: usage loading, dbt rating, invoicing and Stripe export (see orchestration/definitions.py)."""

import warnings

import dagster as dg

# Backfill policies (one run for a range of days) are "beta" in Dagster 1.13; BillBo relies on them
# knowingly, and the warning would otherwise print in every run's log.
warnings.filterwarnings("ignore", category=dg.BetaWarning, message=".*backfill_policy.*")
