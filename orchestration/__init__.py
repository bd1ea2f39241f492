"""Dagster: usage loading, dbt rating, invoicing and Stripe export (see orchestration/definitions.py)."""

import warnings

import dagster as dg

# Backfill policies (one run for a range of days) and partition mappings that reach before the first
# partition (a month's drafts read the months before it, none before January 2026) are "beta" in
# Dagster 1.13; BillBo relies on them knowingly, and the warnings would otherwise print in every
# run's log.
warnings.filterwarnings("ignore", category=dg.BetaWarning, message=".*backfill_policy.*")
warnings.filterwarnings("ignore", category=dg.BetaWarning, message=".*allow_nonexistent_upstream_partitions.*")
