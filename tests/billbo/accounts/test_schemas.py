"""Account models keep secrets out of every repr."""

from __future__ import annotations

from billbo.accounts.schemas import SignUp

PASSWORD = "correct horse battery staple"


def test_the_password_is_in_no_repr() -> None:
    data = SignUp.model_validate({"email": "in-repr@acme.io", "password": PASSWORD, "organisation": "Acme"})
    assert PASSWORD not in repr(data)
    assert PASSWORD not in str(data)
