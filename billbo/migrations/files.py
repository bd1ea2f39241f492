"""Migration files in dbmate's format: ``<version>_<name>.sql`` with a ``-- migrate:up`` section."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_FILE = re.compile(r"^(\d+)_([A-Za-z0-9_]+)\.sql$")
_UP = re.compile(r"^--\s*migrate:up\b.*$", re.M)
_DOWN = re.compile(r"^--\s*migrate:down\b.*$", re.M)


@dataclass(frozen=True)
class Migration:
    version: str
    name: str
    path: Path

    def up_sql(self) -> str:
        text = self.path.read_text()
        up = _UP.search(text)
        if up is None:
            raise ValueError(f"{self.path} has no '-- migrate:up' section")
        down = _DOWN.search(text, up.end())
        return text[up.end() : down.start() if down else len(text)]


def list_migrations(directory: Path) -> list[Migration]:
    """The migrations in ``directory``, oldest first."""
    migrations = []
    for path in sorted(directory.glob("*.sql")):
        match = _FILE.match(path.name)
        if match is None:
            raise ValueError(f"migration file {path} is not named <version>_<name>.sql")
        migrations.append(Migration(match.group(1), match.group(2), path))
    versions = [m.version for m in migrations]
    if len(set(versions)) != len(versions):
        raise ValueError(f"duplicate migration versions in {directory}")
    return migrations
