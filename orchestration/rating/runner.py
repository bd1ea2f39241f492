"""dbt runs inside the Dagster step, on a project parsed once per process (decision D34).

dagster-dbt's ``DbtCliResource`` starts a dbt process for every invocation: a Python interpreter
importing dbt, then parsing the project, before the first SQL statement (profiled: 2.5 to 3.5 s of
a 5 to 6 s rating step, where the SQL takes 2 s). Here dbt runs through ``dbtRunner`` in the
step's own process, which has dbt imported already (dagster-dbt imports it), on a manifest parsed
once per process and kept: the rating period reaches the SQL at compile time, which dbt does for
every run, so one parsed project serves every period.

dbt's result events become Dagster events exactly as dagster-dbt turns the events of its dbt
process into them (``DbtCoreCliEventMessage.to_default_asset_events``): an ``Output`` per model
built, an ``AssetCheckResult`` per data test. A failed invocation raises after those events, as
``DbtCliResource`` does, so the run fails with the failed check shown against its asset.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import threading
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator
from dagster_dbt.asset_utils import extract_runtime_selection_from_args, get_updated_cli_invocation_params_for_context
from dagster_dbt.core.dbt_cli_event import DbtCoreCliEventMessage
from dagster_dbt.errors import DagsterDbtCliRuntimeError

from billbo.dbt import PROJECT_DIR
from orchestration.rating.project import PERIOD_ENV, newest_source_change

# dbt's own events that carry a node's result (what dagster-dbt converts), and those worth a line
# in the run's log.
RESULT_EVENTS = frozenset({"LogModelResult", "LogTestResult", "LogSeedResult", "LogSnapshotResult"})
# dbt keeps global state (flags, adapters, the event manager): one invocation at a time per process.
_DBT = threading.Lock()
_PARSED: dict[tuple[str, float, str], Any] = {}  # (project, its newest change, database) -> dbt Manifest
# The connection a parse sees (profiles.yml's defaults), whatever server the build will use.
PARSE_CONNECTION: dict[str, str | None] = {
    "BILLBO_DBT_HOST": None,
    "BILLBO_DBT_PORT": None,
    "BILLBO_DBT_USER": None,
    "BILLBO_DBT_PASSWORD": None,
}


@contextlib.contextmanager
def _environment(values: Mapping[str, str | None]) -> Iterator[None]:
    """Set (or, for None, remove) environment variables for the block; dbt reads its profile and
    the rating period from the environment. Callers hold _DBT."""
    before = {name: os.environ.get(name) for name in values}
    try:
        _apply(values)
        yield
    finally:
        _apply(before)


def _apply(values: Mapping[str, str | None]) -> None:
    for name, value in values.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


def _common_args(project_dir: Path, target: Path) -> list[str]:
    return [
        "--project-dir",
        str(project_dir),
        "--profiles-dir",
        str(project_dir),
        "--target-path",
        str(target),
        "--log-path",
        str(target),
        "--no-send-anonymous-usage-stats",
        "--no-write-json",  # manifest.json and run_results.json: Dagster keeps the results (0.45 s a parse)
        "--quiet",
    ]


def parsed_project(project_dir: Path = PROJECT_DIR) -> Any:
    """The project's dbt ``Manifest``, parsed in this process once (again when a project file
    changes). Parsing reuses the partial-parse state of the previous parse (in ``target/dagster``,
    under a file lock: several processes may parse at once), so a new process re-reads only what
    changed. The rating period is left out of the environment while parsing: it is read at compile
    time, and a value in the parse would only make the next process re-parse the models."""
    # The manifest names the database of the profile it was parsed with (BILLBO_DBT_DBNAME, set by
    # use_postgres): another database, another parse. The rest of the connection is left out of
    # the parse (dbt re-parses the whole project when any of it changes, and a server on another
    # port is the same project): the build connects with the real one.
    database = os.environ.get("BILLBO_DBT_DBNAME", "")
    key = (str(project_dir), newest_source_change(project_dir), database)
    with _DBT:
        manifest = _PARSED.get(key)
        if manifest is not None:
            return manifest
        from dbt.cli.main import dbtRunner  # noqa: PLC0415 - dbt's CLI entry, loaded when dbt first runs

        state = project_dir / "target" / "dagster"
        state.mkdir(parents=True, exist_ok=True)
        with _environment({PERIOD_ENV: None, **PARSE_CONNECTION}), (state / ".parse.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            result = dbtRunner().invoke(["parse", *_common_args(project_dir, state)])
        if not result.success or result.result is None:
            raise DagsterDbtCliRuntimeError(f"dbt parse of {project_dir} failed: {result.exception}")
        _PARSED.clear()
        _PARSED[key] = result.result
        return result.result


class InProcessDbtResource(dg.ConfigurableResource):  # type: ignore[type-arg]
    """dbt in the step's process (see the module's doc). ``build`` takes dbt's arguments as
    ``DbtCliResource.cli`` does, and selects what the step's context selects."""

    project_dir: str = str(PROJECT_DIR)

    def build(
        self,
        args: Sequence[str],
        *,
        context: dg.AssetExecutionContext,
        env: Mapping[str, str] | None = None,
    ) -> Iterator[Any]:
        """Run ``dbt <args>`` for the context's selection; yields Dagster's events of its results
        and raises when dbt failed. ``env`` is set for the invocation only (the rating period)."""
        project_dir = Path(self.project_dir)
        manifest = parsed_project(project_dir)
        cleaned, selects, excludes = extract_runtime_selection_from_args(args)
        # The selection, manifest and translator of the step's dbt assets (dagster-dbt's own helper,
        # as DbtCliResource.cli uses it: it reads them from the context's assets definition).
        params = get_updated_cli_invocation_params_for_context(
            context=context,
            manifest={},
            dagster_dbt_translator=DagsterDbtTranslator(),
            runtime_selects=selects,
            runtime_excludes=excludes,
        )
        target = project_dir / "target" / "runs" / f"{context.run.run_id}-{context.op_execution_context.op.name}"
        target.mkdir(parents=True, exist_ok=True)
        extra = ["--indirect-selection", params.indirect_selection] if params.indirect_selection else []
        results: list[dict[str, Any]] = []
        with _DBT:
            from dbt.cli.main import dbtRunner  # noqa: PLC0415
            from dbt_common.events.functions import msg_to_dict  # noqa: PLC0415

            def on_event(event: Any) -> None:
                if event.info.name in RESULT_EVENTS:
                    results.append(msg_to_dict(event))

            with _environment(env or {}):
                outcome = dbtRunner(manifest=manifest, callbacks=[on_event]).invoke(
                    [*cleaned, *params.selection_args, *extra, *_common_args(project_dir, target)]
                )
        for raw in results:
            message = DbtCoreCliEventMessage(raw_event=raw, event_history_metadata={})
            print(message, flush=True)  # to the step's captured output, as dagster-dbt shows dbt's lines
            yield from message.to_default_asset_events(
                manifest=params.manifest,
                dagster_dbt_translator=params.dagster_dbt_translator,
                context=context,
                target_path=target,
            )
        if not outcome.success:
            failure = outcome.exception or "a model or data test failed (its result is above)"
            raise DagsterDbtCliRuntimeError(f"dbt {' '.join(cleaned)} failed: {failure}; its files: {target}")
        shutil.rmtree(target, ignore_errors=True)  # kept when dbt failed, for its logs and artifacts
