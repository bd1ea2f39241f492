"""What BillBo runs on a developer's machine and production never needs.

The embedded Postgres (``postgres``), the local ClickHouse server (``clickhouse_server``, started
by ``clickhouse``), the child processes they run as (``processes``), the stack they make together
(``stack``), the services ``billbo up`` starts beside them (``services``) and its lock
(``run_lock``). The core, the APIs and the pipeline do not import this package; only the CLI
(``billbo.cli``), the processes' entry points (``python -m ingest``, ``python -m dashboard_api``,
``orchestration.definitions``), tests and benchmarks do.
"""
