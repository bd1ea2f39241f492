"""BillBo's own Postgres server, used when no ``BILLBO_POSTGRES_URL`` is given.

It runs the PostgreSQL server binaries installed on the machine (Debian's ``postgresql``
package, or any ``initdb``/``postgres`` on PATH, or ``BILLBO_POSTGRES_BIN_DIR``) on a data
directory inside BillBo's data directory, as a child process that stops when BillBo stops.
Postgres refuses to run as root, so as root it runs as the ``postgres`` system user.
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import signal
import stat
import subprocess
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql

from billbo.local import processes
from billbo.logs import get_logger
from billbo.settings import read_or_create_secret

log = get_logger(__name__)

DATABASE = "billbo"
USER = "billbo"


class PostgresNotFound(RuntimeError):
    pass


DEBIAN_INSTALLS = Path("/usr/lib/postgresql")


def find_bin_dir(
    configured: Path | None = None, *, debian: Path = DEBIAN_INSTALLS, search_path: str | None = None
) -> Path:
    """Where initdb and postgres live: the setting, Debian's newest install, or PATH."""
    candidates: list[Path] = []
    if configured is not None:
        candidates.append(configured)
    if debian.is_dir():
        versions = [p for p in debian.iterdir() if re.fullmatch(r"\d+", p.name)]
        candidates += [p / "bin" for p in sorted(versions, key=lambda p: int(p.name), reverse=True)]
    on_path = shutil.which("initdb", path=search_path)
    if on_path:
        candidates.append(Path(on_path).resolve().parent)
    for candidate in candidates:
        if (candidate / "initdb").exists() and (candidate / "postgres").exists():
            return candidate
    raise PostgresNotFound(
        "No PostgreSQL server binaries found (looked in "
        + ", ".join(str(c) for c in candidates or [debian])
        + "). Install them (Debian: apt-get install postgresql) or set BILLBO_POSTGRES_BIN_DIR, "
        "or point BillBo at a server with BILLBO_POSTGRES_URL."
    )


@dataclass
class EmbeddedPostgres:
    """A Postgres cluster in ``root`` (``root/data``), listening on 127.0.0.1:``port``."""

    root: Path
    port: int
    password_file: Path
    bin_dir: Path | None = None
    durable: bool = True  # tests turn fsync off

    def __post_init__(self) -> None:
        self.root = self.root.resolve()
        self.bin = find_bin_dir(self.bin_dir)
        self.data = self.root / "data"
        self.socket_dir = self.root / "run"
        self.log_path = self.root / "postgres.log"
        self.process: subprocess.Popen[bytes] | None = None
        self._user = _run_as_user()

    @property
    def password(self) -> str:
        return read_or_create_secret(self.password_file)

    @property
    def url(self) -> str:
        return f"postgresql://{USER}:{self.password}@127.0.0.1:{self.port}/{DATABASE}"

    def _admin_url(self) -> str:
        return f"postgresql://{USER}:{self.password}@127.0.0.1:{self.port}/postgres"

    def initialized(self) -> bool:
        return (self.data / "PG_VERSION").exists()

    def initialize(self) -> None:
        """Create the cluster with initdb, unless it already exists."""
        if self.initialized():
            return
        self.root.mkdir(parents=True, exist_ok=True)
        self.socket_dir.mkdir(exist_ok=True)
        pwfile = self.root / ".initdb-password"
        pwfile.write_text(self.password + "\n")
        pwfile.chmod(0o600)
        self._hand_over(self.root, self.socket_dir, pwfile)
        try:
            subprocess.run(
                [
                    str(self.bin / "initdb"),
                    "-D",
                    str(self.data),
                    "-U",
                    USER,
                    f"--pwfile={pwfile}",
                    "--auth=scram-sha-256",
                    "-E",
                    "UTF8",
                    "--no-locale",
                    "--no-instructions",
                ],
                check=True,
                capture_output=True,
                user=self._user,
                group=self._user,
                extra_groups=[] if self._user else None,
            )
        except subprocess.CalledProcessError as exc:
            raise RuntimeError(f"initdb failed: {exc.stderr.decode(errors='replace')}") from exc
        finally:
            pwfile.unlink(missing_ok=True)
        log.info("postgres cluster created", data=str(self.data))

    def start(self, timeout: float = 60.0) -> None:
        """Start the server as our child, wait for it, and create the billbo database."""
        self.initialize()
        self._hand_over(self.root, self.socket_dir)
        options = [
            "-c",
            "listen_addresses=127.0.0.1",
            "-c",
            f"unix_socket_directories={self.socket_dir}",
            "-c",
            "max_connections=200",
            # A month's daily usage is one COPY of 100+ MB of rows and index entries: with the
            # defaults (128 MB of buffers, 4 MB of WAL buffers) it waits on WAL writes.
            "-c",
            "shared_buffers=256MB",
            "-c",
            "wal_buffers=16MB",
        ]
        if not self.durable:
            options += ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]
        self.process = processes.spawn(
            [str(self.bin / "postgres"), "-D", str(self.data), "-p", str(self.port), *options],
            log_path=self.log_path,
            user=self._user,
            death_signal=signal.SIGINT,  # Postgres' fast shutdown
        )
        processes.wait_until(
            self._accepts_connections,
            name="postgres",
            process=self.process,
            timeout=timeout,
            log_path=self.log_path,
        )
        self._create_database()

    def stop(self) -> None:
        if self.process is not None:
            processes.stop(self.process, signal.SIGINT, timeout=30)
            self.process = None

    def _accepts_connections(self) -> bool:
        with psycopg.connect(self._admin_url(), connect_timeout=2):
            return True

    def _create_database(self) -> None:
        with psycopg.connect(self._admin_url(), autocommit=True) as conn:
            exists = conn.execute("select 1 from pg_database where datname = %s", [DATABASE]).fetchone()
            if not exists:
                conn.execute(sql.SQL("create database {}").format(sql.Identifier(DATABASE)))

    def _hand_over(self, *paths: Path) -> None:
        """As root: give the server's files to its user and let it reach them."""
        if self._user is None:
            return
        entry = pwd.getpwnam(self._user)
        for path in paths:
            os.chown(path, entry.pw_uid, entry.pw_gid)
        _open_traversal(self.root.parent)


def _run_as_user() -> str | None:
    """Postgres will not run as root: then it runs as the ``postgres`` system user."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        subprocess.run(["useradd", "--system", "--user-group", "--no-create-home", "postgres"], check=True)
    return "postgres"


def _open_traversal(directory: Path) -> None:
    """Let other users pass through (not list) every parent of the server's directory."""
    for path in [directory, *directory.parents]:
        mode = path.stat().st_mode
        if not mode & stat.S_IXOTH:
            log.warning("allowing other users to traverse a directory", path=str(path))
            path.chmod(mode | stat.S_IXOTH)
