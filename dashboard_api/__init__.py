"""The dashboard API (port 8080): what the merchants' web dashboard talks to."""
