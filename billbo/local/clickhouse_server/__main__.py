"""Run the local ClickHouse server: ``python -m billbo.local.clickhouse_server --data-dir D``."""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8123)
    parser.add_argument("--threads", type=int, default=16)
    args = parser.parse_args(argv)

    # ClickHouse's server time zone decides how bare DateTime values read; BillBo bills in UTC.
    os.environ["TZ"] = "UTC"
    time.tzset()

    import uvicorn

    from billbo.local.clickhouse_server.app import KEEP_ALIVE_SECONDS, LocalClickHouse
    from billbo.logs import configure_logging
    from billbo.settings import get_settings

    configure_logging(get_settings())
    args.data_dir.mkdir(parents=True, exist_ok=True)
    app = LocalClickHouse(str(args.data_dir.resolve()), threads=args.threads)
    config = uvicorn.Config(
        app,
        host=args.host,
        port=args.port,
        lifespan="on",
        http="httptools",
        loop="uvloop",
        timeout_keep_alive=KEEP_ALIVE_SECONDS + 5,
        log_config=None,
        access_log=False,
    )
    uvicorn.Server(config).run()


if __name__ == "__main__":
    main()
