"""The embedded Postgres: a real server that keeps its data across restarts."""

from __future__ import annotations

import os
import pwd
from pathlib import Path

import psycopg
import pytest

from billbo.local.postgres import EmbeddedPostgres, PostgresNotFound, find_bin_dir
from tests.conftest import free_port


def test_restart_finds_the_data_again(server_dir: Path) -> None:
    server = EmbeddedPostgres(root=server_dir / "pg", port=free_port(), password_file=server_dir / "pw", durable=False)
    server.start()
    try:
        with psycopg.connect(server.url, autocommit=True) as conn:
            conn.execute("create table kept (x int)")
            conn.execute("insert into kept values (42)")
            assert conn.execute("show listen_addresses").fetchone() == ("127.0.0.1",)
        pid = server.process.pid if server.process else 0
        if os.geteuid() == 0:  # postgres refuses root: it runs as the postgres user
            uid = os.stat(f"/proc/{pid}").st_uid
            assert pwd.getpwuid(uid).pw_name == "postgres"
    finally:
        server.stop()
    assert server.process is None
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(server.url, connect_timeout=1)

    again = EmbeddedPostgres(root=server_dir / "pg", port=free_port(), password_file=server_dir / "pw", durable=False)
    again.start()
    try:
        with psycopg.connect(again.url) as conn:
            assert conn.execute("select x from kept").fetchone() == (42,)
    finally:
        again.stop()


def test_password_authentication_is_required(server_dir: Path) -> None:
    server = EmbeddedPostgres(root=server_dir / "pg", port=free_port(), password_file=server_dir / "pw", durable=False)
    server.start()
    try:
        wrong = server.url.replace(server.password, "wrong")
        with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
            psycopg.connect(wrong)
    finally:
        server.stop()


def test_binaries_are_found_or_the_error_says_what_to_do(tmp_path: Path) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    assert (find_bin_dir(empty) / "postgres").exists()  # falls back to the machine's install
    with pytest.raises(PostgresNotFound, match="BILLBO_POSTGRES_URL"):
        find_bin_dir(empty, debian=tmp_path / "no-debian", search_path=str(empty))
