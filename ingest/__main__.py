"""``python -m ingest``: serve the ingest API."""

from billbo.http.serve import serve
from ingest.app import create_app

if __name__ == "__main__":
    serve(create_app, lambda settings: settings.ingest_port)
