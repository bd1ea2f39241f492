"""The README's "Where things live" and folder tables point at files and folders that exist."""

from __future__ import annotations

import re

from billbo.settings import REPO_ROOT

README = (REPO_ROOT / "README.md").read_text()


def _section(title: str) -> str:
    start = README.index(f"### {title}\n")
    end = README.index("\n#", start + 1)
    return README[start:end]


def _paths(text: str) -> set[str]:
    """Backticked repository paths: a name with a slash or a file suffix, no placeholder."""
    found = set()
    for quoted in re.findall(r"`([^`\s]+)`", text):
        if "<" in quoted or not ("/" in quoted or re.search(r"\.(py|md|sql)$", quoted)):
            continue
        found.add(quoted)
    return found


def test_every_path_in_where_things_live_exists() -> None:
    paths = _paths(_section("Where things live"))
    assert len(paths) >= 20, paths  # the section is read, not skipped
    assert sorted(path for path in paths if not (REPO_ROOT / path).exists()) == []


def test_every_path_in_the_folder_table_exists() -> None:
    start = README.index("| folder | its one job |")
    rows = README[start : README.index("\n\n", start)].splitlines()[2:]
    paths = _paths("\n".join(row.split("|")[1] for row in rows))  # the folder column
    assert len(paths) >= 10, paths
    assert sorted(path for path in paths if not (REPO_ROOT / path).exists()) == []


def test_each_domain_has_its_service_and_repository() -> None:
    """The folder table's promise: every domain folder has the same few files."""
    for domain in ("accounts", "members", "api_keys", "customers", "skus", "events", "usage", "invoices"):
        folder = REPO_ROOT / "billbo" / domain
        assert (folder / "service.py").exists(), domain
        assert (folder / "repository.py").exists(), domain
        assert (folder / "schemas.py").exists(), domain
