"""The ingest API (port 9876): merchants' backends send usage events here."""
