"""The ``billbo`` command (``[project.scripts] billbo = "billbo.cli:main"``).

The one part of ``billbo/`` that may import everything: the local stack (``billbo.local``), the
core, and the pipeline (``orchestration``). ``app`` holds ``up``, ``migrate`` and ``status``;
``pipeline`` holds ``rate`` and ``invoices close``.
"""

from billbo.cli.app import main

__all__ = ["main"]
