"""API keys in the dashboard: shown once, stored as a hash, revoked for the ingest API too."""

from __future__ import annotations

import hashlib

import psycopg

from billbo.migrations.runner import Databases
from tests.dashboard_api.conftest import Browser


def test_create_list_revoke(browser: Browser, databases: Databases) -> None:
    me = browser.signup()
    created = browser.post("/api/api-keys", json={"name": "production"})
    assert created.status_code == 201
    key = created.json()["key"]
    assert key.startswith("bb_")
    assert created.json()["prefix"] == key[:10]
    listed = browser.get("/api/api-keys").json()
    assert [(k["name"], k["created_by"], k["revoked_at"]) for k in listed] == [("production", me["email"], None)]
    assert "key" not in listed[0]
    with psycopg.connect(databases.postgres_url) as conn:
        stored = conn.execute("select key_sha256 from api_keys where id = %s", [created.json()["id"]]).fetchone()
    assert stored is not None
    assert bytes(stored[0]) == hashlib.sha256(key.encode()).digest()
    assert browser.delete(f"/api/api-keys/{created.json()['id']}").status_code == 204
    assert browser.get("/api/api-keys").json()[0]["revoked_at"] is not None
