"""Which code may import which, checked on every import statement of the source.

* The core, ``billbo/`` but ``billbo/local/`` and ``billbo/cli/``, imports none of ``billbo.local``,
  ``billbo.cli``, ``orchestration``, ``ingest`` or ``dashboard_api``: the rules know nothing of how
  they are run, served or scheduled.
* ``billbo.local`` (the embedded Postgres, the local ClickHouse server, process supervision, the
  services ``billbo up`` starts) is what only a developer's machine runs. It may import the core,
  never the CLI, the APIs or the pipeline; it starts those as processes, by module name.
* ``ingest``, ``dashboard_api`` and ``orchestration`` never import ``billbo.cli``, and import
  ``billbo.local`` only in their entry points, for the embedded servers' addresses when no URL is
  set: ``ingest/__main__.py``, ``dashboard_api/__main__.py`` and ``orchestration/definitions.py``
  (the code location Dagster loads). Their other modules take the URLs from the settings.
* ``billbo.cli``, the ``billbo`` command, may import everything.

Every import counts, at the top of a module or inside a function; ``from x import y`` counts as an
import of ``x.y`` too, so ``from billbo import local`` is caught.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from billbo.settings import REPO_ROOT

CORE_MAY_NOT_IMPORT = ("billbo.local", "billbo.cli", "orchestration")
APIS = ("ingest", "dashboard_api")
LOCAL_MAY_NOT_IMPORT = ("billbo.cli", "orchestration", "ingest", "dashboard_api")
ENTRY_POINTS = {"ingest/__main__.py", "dashboard_api/__main__.py", "orchestration/definitions.py"}


def module_name(path: Path, root: Path = REPO_ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported(path: Path, root: Path = REPO_ROOT) -> Iterator[tuple[int, str]]:
    """(line, module) for every module ``path`` imports."""
    package = module_name(path, root).split(".")
    if path.name != "__init__.py":
        package.pop()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolved against the module's package
                anchor = package[: len(package) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            yield node.lineno, base
            for alias in node.names:
                yield node.lineno, f"{base}.{alias.name}"


def within(module: str, packages: tuple[str, ...]) -> bool:
    return any(module == package or module.startswith(f"{package}.") for package in packages)


def sources(folder: str) -> list[Path]:
    return sorted((REPO_ROOT / folder).rglob("*.py"))


def violations(paths: list[Path], forbidden: tuple[str, ...]) -> list[str]:
    return sorted(
        {
            f"{path.relative_to(REPO_ROOT)}:{line} imports {module}"
            for path in paths
            for line, module in imported(path)
            if within(module, forbidden)
        }
    )


def core() -> list[Path]:
    return [path for path in sources("billbo") if not within(module_name(path), ("billbo.local", "billbo.cli"))]


def test_the_core_imports_neither_local_infrastructure_nor_the_cli_nor_the_pipeline() -> None:
    assert core(), "no core modules found"
    assert violations(core(), CORE_MAY_NOT_IMPORT) == []


def test_the_core_does_not_import_the_apis() -> None:
    """The rules live in the core and the APIs call them, never the other way round."""
    assert violations(core(), APIS) == []


def test_local_infrastructure_imports_only_the_core() -> None:
    assert violations(sources("billbo/local"), LOCAL_MAY_NOT_IMPORT) == []


@pytest.mark.parametrize("package", ["ingest", "dashboard_api", "orchestration"])
def test_the_apis_and_the_pipeline_import_local_infrastructure_only_in_their_entry_points(package: str) -> None:
    paths = sources(package)
    assert paths, f"no modules found in {package}/"
    assert violations(paths, ("billbo.cli",)) == []
    app_code = [path for path in paths if str(path.relative_to(REPO_ROOT)) not in ENTRY_POINTS]
    assert violations(app_code, ("billbo.local",)) == []


def test_the_check_sees_imports_wherever_they_are_written(tmp_path: Path) -> None:
    """The rules above hold only if this reader finds imports: the CLI's, inside a function too,
    and relative ones, resolved."""
    found = {module for _, module in imported(REPO_ROOT / "billbo/cli/pipeline.py")}
    assert {"orchestration.pipeline", "orchestration.definitions.resources", "billbo.local.stack"} <= found
    module = tmp_path / "pkg" / "sub" / "mod.py"
    module.parent.mkdir(parents=True)
    module.write_text("from ..local import stack\n\n\ndef f():\n    from . import x\n    import pkg.cli\n")
    assert {name for _, name in imported(module, tmp_path)} == {
        "pkg.local",
        "pkg.local.stack",
        "pkg.sub",
        "pkg.sub.x",
        "pkg.cli",
    }


# Where the app's state may be touched: the lifespans store it, the dependency modules read it.
STATE_WRITERS = {"billbo/http/app.py", "ingest/state.py"}
STATE_READERS = {"billbo/http/deps.py", "ingest/deps.py"}


def _is_app(node: ast.expr) -> bool:
    """``app``, ``request.app``, ``scope["app"]``."""
    if isinstance(node, ast.Name):
        return node.id == "app"
    if isinstance(node, ast.Attribute):
        return node.attr == "app"
    if isinstance(node, ast.Subscript):
        return isinstance(node.slice, ast.Constant) and node.slice.value == "app"
    return False


def state_uses(path: Path) -> Iterator[tuple[int, str]]:
    """(line, "read" or "write") for every use of an app's ``state`` in ``path``."""
    tree = ast.parse(path.read_text(), str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Attribute):
            inner = node.value
            if inner.attr == "state" and _is_app(inner.value):
                yield node.lineno, "write" if isinstance(node.ctx, ast.Store) else "read"


def test_only_the_dependencies_read_the_app_state() -> None:
    """Handlers and services are given what they need (``DbConn``, ``ClickHouse``, ``AppSettings``,
    ``Ingest``); they never reach for ``request.app.state``."""
    misplaced = []
    for folder in ("billbo", "ingest", "dashboard_api", "orchestration"):
        for path in sources(folder):
            where = str(path.relative_to(REPO_ROOT))
            for line, use in state_uses(path):
                allowed = STATE_READERS if use == "read" else STATE_WRITERS
                if where not in allowed:
                    misplaced.append(f"{where}:{line} {use}s the app state")
    assert misplaced == []
    assert {use for path in STATE_READERS for _, use in state_uses(REPO_ROOT / path)} == {"read"}


def test_services_take_connections_not_pools() -> None:
    """A service is given its connection (and so its transaction) by the edge: the request's
    ``DbConn`` or the job that runs it."""
    opened = [
        f"{path.relative_to(REPO_ROOT)}:{node.lineno}"
        for path in sources("billbo")
        if path.name == "service.py"
        for node in ast.walk(ast.parse(path.read_text(), str(path)))
        if (isinstance(node, ast.Name) and node.id == "ConnectionPool")
        or (isinstance(node, ast.Attribute) and node.attr in ("connection", "getconn", "ConnectionPool"))
    ]
    assert sources("billbo"), "no core modules found"
    assert opened == []
