"""The Stripe export of 1,000 invoices against the fake Stripe (tests/stripe_fake) over HTTP.

1,000 customers of one merchant, one finalised invoice each with two lines (a usage line and an
adjustment line), collected by ``send_invoice`` (the default). Reports the time and the Stripe
calls per invoice, by kind, against the ideal of 1 customer + 1 invoice + N items + 1 finalize
(+ 1 send for send_invoice): a first export looks nothing up. Then a second run, which must make
no call at all. ``python -m bench.stripe_export [--invoices N]``.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import secrets
import time
from pathlib import Path

from bench.stack import migrated_stack, write_results
from billbo.stripe import export
from tests.billbo.stripe import world as worlds
from tests.stripe_fake.process import running_fake_stripe

OUT = Path(__file__).parent / "results" / "stripe_export.json"
LINES_PER_INVOICE = 2
PERIOD = dt.date(2026, 2, 1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--invoices", type=int, default=1000)
    args = parser.parse_args()
    with migrated_stack() as stack, running_fake_stripe(stack.directory / "fake_stripe.log") as fake:
        settings = stack.settings.model_copy(update={"stripe_api_base": fake.url})
        api_key = "sk_test_" + secrets.token_hex(16)
        worlds.build(stack.databases.postgres_url, settings, api_key, customers=args.invoices, period=PERIOD)
        connect = worlds.connector(stack.databases.postgres_url)
        started = time.perf_counter()
        report = export.export_invoices(connect, settings)
        seconds = time.perf_counter() - started
        calls = collections.Counter(f"{r['method']} {_kind(r['path'])}" for r in fake.requests())
        before = len(fake.requests())
        again = time.perf_counter()
        export.export_invoices(connect, settings)
        rerun_seconds = time.perf_counter() - again
        rerun_calls = len(fake.requests()) - before
        checked_at = time.perf_counter()
        checked, discrepancies = export.reconcile(connect, settings, PERIOD)
        reconcile_seconds = time.perf_counter() - checked_at
        results = {
            "invoices": args.invoices,
            "lines_per_invoice": LINES_PER_INVOICE,
            "exported": report.exported,
            "failed": report.failed,
            "pending": report.pending,
            "seconds": round(seconds, 2),
            "invoices_per_second": round(report.exported / seconds, 1),
            "stripe_calls": sum(calls.values()),
            "stripe_calls_per_invoice": round(sum(calls.values()) / args.invoices, 3),
            "ideal_calls_per_invoice": 1 + 1 + LINES_PER_INVOICE + 1 + 1,  # customer, invoice, items, finalize, send
            "calls_by_kind": dict(sorted(calls.items())),
            "rerun_stripe_calls": rerun_calls,
            "rerun_seconds": round(rerun_seconds, 2),
            "reconcile_checked": checked,
            "reconcile_discrepancies": len(discrepancies),
            "reconcile_seconds": round(reconcile_seconds, 2),
            "reconcile_stripe_calls": len(fake.requests()) - before - rerun_calls,
        }
    write_results(results, OUT)


def _kind(path: str) -> str:
    parts = path.split("/")  # /v1/invoices/in_x/finalize -> invoices/{id}/finalize
    return "/".join(part if i != 3 else "{id}" for i, part in enumerate(parts) if i >= 2)


if __name__ == "__main__":
    main()
