"""BillBo's shared core: settings, logging, database access, the embedded servers and the CLI."""

__version__ = "0.1.0"
