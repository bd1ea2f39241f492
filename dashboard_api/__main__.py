"""``python -m dashboard_api``: serve the dashboard API."""

from billbo.http.serve import serve
from dashboard_api.app import create_app

if __name__ == "__main__":
    serve(create_app, lambda settings: settings.dashboard_port)
