"""The transition rule of invoice export states under Stripe's payment events (billbo/stripe/payments.py)."""

from __future__ import annotations

import datetime as dt
from typing import get_args

import pytest

from billbo.stripe import payments
from billbo.stripe.payments import applies, may_become
from billbo.stripe.schemas import ExportState

STATES: tuple[ExportState, ...] = get_args(ExportState)
T = dt.datetime(2026, 12, 2, 12, tzinfo=dt.UTC)


def test_every_state_has_a_rule_and_every_event_names_a_state() -> None:
    assert set(payments._MAY_BECOME) == set(STATES)
    assert set(payments.EVENT_STATES.values()) <= set(STATES)


@pytest.mark.parametrize("final", ["paid", "void", "skipped"])
def test_final_states_never_move(final: ExportState) -> None:
    assert not any(may_become(final, new) for new in STATES)


def test_uncollectible_may_still_be_paid_or_voided_and_a_failure_may_become_anything_else() -> None:
    assert {new for new in STATES if may_become("uncollectible", new)} == {"paid", "void"}
    assert {new for new in STATES if may_become("payment_failed", new)} == {
        "paid",
        "void",
        "uncollectible",
        "payment_failed",
    }


def test_no_pair_of_states_may_become_each_other_but_a_repeated_failure() -> None:
    """Whatever order two events arrive in, at most one order applies both: no ping-pong."""
    for a in STATES:
        for b in STATES:
            if a != b:
                assert not (may_become(a, b) and may_become(b, a)), (a, b)


@pytest.mark.parametrize("current", ["pending", "exported", "failed"])
def test_before_any_payment_news_stripes_word_is_taken(current: ExportState) -> None:
    assert {new for new in STATES if may_become(current, new)} == set(payments.EVENT_STATES.values())


def test_an_event_older_than_the_last_applied_never_applies() -> None:
    second = dt.timedelta(seconds=1)
    assert applies("uncollectible", T, "paid", T)  # the same second: the rule decides
    assert applies("uncollectible", T, "paid", T + second)
    assert not applies("uncollectible", T, "paid", T - second)
    assert applies("exported", None, "payment_failed", T - 1000 * second)
    assert not applies("paid", T, "payment_failed", T + second)
