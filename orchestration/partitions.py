"""The partitions every stage shares: UTC days of usage, calendar months of billing."""

import dagster as dg

START = "2026-01-01"
DAILY = dg.DailyPartitionsDefinition(start_date=START, timezone="UTC", end_offset=1)  # today included
MONTHLY = dg.MonthlyPartitionsDefinition(start_date=START, timezone="UTC", end_offset=1)  # this month too
