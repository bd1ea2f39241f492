"""The fake Stripe itself, over plain HTTP as Stripe is called: what the client's tests rely on."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.stripe_fake.process import FakeStripe


class Api:
    def __init__(self, fake: FakeStripe, key: str) -> None:
        self.http = httpx.Client(base_url=fake.url, auth=(key, ""), timeout=10)

    def post(self, path: str, data: dict[str, Any] | None = None, *, key: str | None = None, status: int = 200) -> Any:
        headers = {"Idempotency-Key": key} if key else {}
        response = self.http.post(path, data=data or {}, headers=headers)
        assert response.status_code == status, response.text
        return response.json()

    def get(self, path: str, status: int = 200, **params: Any) -> Any:
        response = self.http.get(path, params=params)
        assert response.status_code == status, response.text
        return response.json()


@pytest.fixture
def api(fake_stripe: FakeStripe, api_key: str) -> Api:
    return Api(fake_stripe, api_key)


def _draft(api: Api, customer: str, **extra: Any) -> Any:
    return api.post("/v1/invoices", {"customer": customer, "collection_method": "send_invoice", "days_until_due": 30,
                                     "currency": "usd", "auto_advance": "false", **extra})  # fmt: skip


def test_a_one_off_draft_leaves_pending_items_alone_unless_asked(api: Api) -> None:
    customer = api.post("/v1/customers", {"name": "Ada"})["id"]
    pending = api.post("/v1/invoiceitems", {"customer": customer, "amount": 700, "currency": "usd"})
    excluded = _draft(api, customer, pending_invoice_items_behavior="exclude")
    assert (excluded["status"], excluded["lines"]["data"], excluded["auto_advance"]) == ("draft", [], False)
    assert excluded["due_date"] == excluded["created"] + 30 * 86_400
    included = _draft(api, customer, pending_invoice_items_behavior="include")
    assert [line["invoice_item"] for line in included["lines"]["data"]] == [pending["id"]]
    assert api.get(f"/v1/invoiceitems/{pending['id']}")["invoice"] == included["id"]


def test_a_draft_is_refused_as_stripe_refuses_it(api: Api) -> None:
    customer = api.post("/v1/customers", {"name": "Ada"})["id"]
    assert "days_until_due" in api.post("/v1/invoices", {"customer": customer, "collection_method": "send_invoice"},
                                        status=400)["error"]["message"]  # fmt: skip
    assert api.post("/v1/invoices", {"customer": customer, "colour": "red"}, status=400)["error"]["param"] == "colour"
    assert api.post("/v1/invoices", {"customer": "cus_nobody"}, status=404)["error"]["code"] == "resource_missing"
    assert api.post("/v1/invoices", {}, status=400)["error"]["code"] == "parameter_missing"


def test_items_join_their_draft_in_its_currency_only(api: Api) -> None:
    customer = api.post("/v1/customers", {"name": "Ada"})["id"]
    draft = _draft(api, customer)
    api.post("/v1/invoiceitems", {"customer": customer, "invoice": draft["id"], "amount": 250, "currency": "usd",
                                  "metadata[billbo_line_id]": "l-1"})  # fmt: skip
    refused = api.post("/v1/invoiceitems", {"customer": customer, "invoice": draft["id"], "amount": 1, "currency": "eur"},
                       status=400)  # fmt: skip
    assert refused["error"]["param"] == "currency"
    lines = api.get(f"/v1/invoices/{draft['id']}/lines", limit=1)
    assert ([line["metadata"] for line in lines["data"]], lines["has_more"]) == ([{"billbo_line_id": "l-1"}], False)
    assert api.get(f"/v1/invoices/{draft['id']}")["total"] == 250


def test_finalise_numbers_the_invoice_once_and_send_needs_send_invoice(api: Api) -> None:
    customer = api.post("/v1/customers", {"name": "Ada"})["id"]
    first, second = (_draft(api, customer) for _ in range(2))
    for draft in (first, second):
        api.post("/v1/invoiceitems", {"customer": customer, "invoice": draft["id"], "amount": 100, "currency": "usd"})
    finalised = api.post(f"/v1/invoices/{first['id']}/finalize")
    assert finalised["status"] == "open" and finalised["status_transitions"]["finalized_at"]
    assert api.post(f"/v1/invoices/{first['id']}/finalize", status=400)["error"]["code"] == "invoice_not_editable"
    sent = api.post(f"/v1/invoices/{second['id']}/send")  # a draft is finalised first
    assert sent["status"] == "open"
    assert [finalised["number"][-4:], sent["number"][-4:]] == ["0001", "0002"]
    assert finalised["number"][:8] == sent["number"][:8]  # one prefix per customer
    charged = api.post("/v1/invoices", {"customer": customer, "currency": "usd"})
    assert "send_invoice" in api.post(f"/v1/invoices/{charged['id']}/send", status=400)["error"]["message"]


def test_idempotency_keys_are_per_api_key(fake_stripe: FakeStripe, api: Api) -> None:
    mine = api.post("/v1/customers", {"name": "Ada"}, key="same")
    theirs = Api(fake_stripe, "sk_test_someoneelse").post("/v1/customers", {"name": "Ada"}, key="same")
    assert mine["id"] != theirs["id"]
    assert api.post("/v1/customers", {"name": "Ada"}, key="same")["id"] == mine["id"]
    assert api.post("/v1/customers", {"name": "Ada"}, key="k" * 256, status=400)["error"]["type"] == "idempotency_error"


def test_a_request_refused_by_validation_is_not_saved_under_its_key(api: Api) -> None:
    api.post("/v1/invoices", {"customer": "cus_nobody"}, key="draft-1", status=404)
    customer = api.post("/v1/customers", {"name": "Ada"})["id"]
    # the same key with corrected parameters runs: the refusal was not the key's saved result
    assert api.post("/v1/invoices", {"customer": customer, "currency": "usd"}, key="draft-1")["status"] == "draft"


def test_faults_count_matching_requests_and_reset_clears_everything(fake_stripe: FakeStripe, api: Api) -> None:
    fake_stripe.fault(status=500, method="POST", path="^/v1/customers$", nth=2, times=2)
    statuses = [api.http.post("/v1/customers", data={"name": "x"}).status_code for _ in range(4)]
    assert statuses == [200, 500, 500, 200]
    assert api.http.get("/v1/customers").status_code == 200
    fake_stripe.fault(status=429, path="^/v1/customers")
    fake_stripe.reset()
    assert api.get("/v1/customers")["data"] == [] and fake_stripe.requests() == [
        {
            "method": "GET",
            "path": "/v1/customers",
            "idempotency_key": None,
            "status": 200,
            "replayed": False,
            "fault": None,
        }
    ]


def test_an_unauthenticated_request_is_refused_as_stripe_does(fake_stripe: FakeStripe) -> None:
    response = httpx.get(fake_stripe.url + "/v1/customers")
    assert response.status_code == 401 and "did not provide an API key" in response.json()["error"]["message"]
