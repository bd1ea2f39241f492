"""localstripe's aiohttp app with BillBo's additions; ``python -m tests.stripe_fake --port N``.

Order matters: the billing patches must be in place before ``localstripe.server`` is imported (it
registers its routes then), and the middlewares run outermost first: control routes, request log,
authentication and faults (``control``), then idempotency, then localstripe's own.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from typing import Any

from aiohttp import web
from localstripe import resources, webhooks

from tests.stripe_fake import billing, control, idempotency


def _never_touch_disk() -> None:
    """localstripe pickles its whole store to /tmp/localstripe.pickle on every change and reloads it
    at start: shared by every fake on the machine, and slower with each object. Tests want neither."""
    resources.Store.dump_to_disk = lambda self: None
    resources.Store.try_load_from_disk = lambda self: None


_deliveries: set[asyncio.Future[None]] = set()


def _schedule_webhook(event: Any) -> None:
    """localstripe's delivery (a second later, to every registered endpoint), but cancellable: a
    reset must not let one test's events reach the next test's endpoint."""
    delivery = asyncio.ensure_future(webhooks._send_webhook(event))
    _deliveries.add(delivery)
    delivery.add_done_callback(_deliveries.discard)


def _reset_localstripe() -> None:
    resources.store.clear()
    webhooks._webhooks.clear()
    for delivery in list(_deliveries):
        delivery.cancel()


def build_app() -> web.Application:
    _never_touch_disk()
    resources.schedule_webhook = _schedule_webhook
    billing.patch_resources()
    from localstripe import server  # after the patches: it registers its routes on import

    app: web.Application = server.app
    billing.add_routes(app)
    app.middlewares.insert(0, idempotency.idempotency_middleware)
    app.middlewares.insert(0, control.outer_middleware)
    control.RESETS.extend((_reset_localstripe, idempotency.reset, billing.reset))
    return app


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="A fake Stripe for BillBo's tests")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(name)s %(message)s")
    web.run_app(build_app(), host=args.host, port=args.port, print=None, access_log=logging.getLogger("aiohttp.access"))
