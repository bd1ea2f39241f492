"""``python -m ingest``: serve the ingest API (on the embedded databases unless URLs are set)."""

from billbo.http.serve import serve
from billbo.local.stack import with_database_urls
from ingest.app import create_app

if __name__ == "__main__":
    serve(lambda settings: create_app(with_database_urls(settings)), lambda settings: settings.ingest_port)
