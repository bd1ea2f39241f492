"""A fake Stripe for tests: localstripe 1.15.10, used as a library, with what BillBo needs of
Stripe's documented behaviour added in small pieces, each after Stripe's docs.

* ``billing``: one-off draft invoices (``POST /v1/invoices`` for a customer without a
  subscription), invoice items added to a draft with ``invoice=``, ``/finalize`` and ``/send``,
  invoice lines with their metadata (paginated), ``GET /v1/account``.
* ``idempotency``: ``Idempotency-Key`` replay, conflicts and 24-hour expiry.
* ``control``: what a test steers over ``/_test/*``: faults (429, 500, dropped connections, before
  or after the request ran), the idempotency clock, revoked keys, the request log, reset.
* ``server``: assembles localstripe's aiohttp app with the above; ``python -m tests.stripe_fake``.
* ``process``: starts it as a subprocess and talks to its control routes; ``fixtures``: pytest
  fixtures; ``webhooks``: signing payloads as Stripe does.

Test support only: nothing in ``billbo/`` imports it.
"""
