"""Accounts of the dashboard: sign-up, log-in and sessions (refresh-token families), passwords and tokens."""
