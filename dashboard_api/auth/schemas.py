"""Request and response models of accounts and sessions."""

from __future__ import annotations

import uuid
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, EmailStr, Field, field_validator

from dashboard_api.auth.passwords import MAX_LENGTH, MIN_LENGTH


def _plain_text(value: str) -> str:
    """Text Postgres and argon2 can take: no NUL character, no lone surrogate (a 422, not a 500)."""
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("must be valid Unicode text (no lone surrogates)") from None
    return value


PlainText = Annotated[str, AfterValidator(_plain_text)]


class Credentials(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={
        "examples": [{"email": "ana@acme.io", "password": "correct horse battery staple"}]})  # fmt: skip

    email: EmailStr
    password: PlainText = Field(min_length=1, max_length=MAX_LENGTH, repr=False)  # never in a repr or a log

    @field_validator("email")
    @classmethod
    def _lower(cls, value: str) -> str:
        return value.lower()


class SignUp(Credentials):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"email": "ana@acme.io", "password": "correct horse battery staple", "organisation": "Acme"}]})  # fmt: skip

    password: PlainText = Field(min_length=MIN_LENGTH, max_length=MAX_LENGTH, repr=False)
    organisation: PlainText = Field(min_length=1, max_length=200)


class Me(BaseModel):
    user_id: uuid.UUID
    email: str
    role: str
    merchant_id: uuid.UUID
    merchant_name: str
