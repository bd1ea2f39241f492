"""Request and response models of accounts and sessions, and the seat a request acts as."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated, Protocol

from pydantic import BaseModel, ConfigDict, Field, field_validator

from billbo.accounts.passwords import MAX_LENGTH, MIN_LENGTH
from billbo.fields import Email

ROLE_RANK = {"viewer": 0, "member": 1, "admin": 2, "owner": 3}


@dataclass(frozen=True, slots=True)
class User:
    """The seat a dashboard request acts as, as it is now."""

    id: uuid.UUID
    merchant_id: uuid.UUID
    email: str
    role: str
    merchant_name: str

    def at_least(self, role: str) -> bool:
        return ROLE_RANK[self.role] >= ROLE_RANK[role]


class Credentials(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"email": "ana@acme.io", "password": "correct horse battery staple"}]},
    )

    # Any text: an address that is not a seat's is refused like a wrong password, not by its form.
    email: Annotated[str, Field(min_length=1, max_length=320)]
    password: str = Field(min_length=1, max_length=MAX_LENGTH, repr=False)  # never in a repr or a log

    @field_validator("email")
    @classmethod
    def _lower(cls, value: str) -> str:
        return value.lower()


class SignUp(Credentials):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"email": "ana@acme.io", "password": "correct horse battery staple", "organisation": "Acme"}]
        },
    )

    email: Email
    password: str = Field(min_length=MIN_LENGTH, max_length=MAX_LENGTH, repr=False)
    organisation: str = Field(min_length=1, max_length=200)


class Me(BaseModel):
    user_id: uuid.UUID
    email: str
    role: str
    merchant_id: uuid.UUID
    merchant_name: str

    @classmethod
    def of(cls, user: Seat) -> Me:
        return cls(
            user_id=user.id,
            email=user.email,
            role=user.role,
            merchant_id=user.merchant_id,
            merchant_name=user.merchant_name,
        )


class Seat(Protocol):
    """What ``Me`` shows of a seat: a session's ``User`` or a stored user row."""

    @property
    def id(self) -> uuid.UUID: ...
    @property
    def email(self) -> str: ...
    @property
    def role(self) -> str: ...
    @property
    def merchant_id(self) -> uuid.UUID: ...
    @property
    def merchant_name(self) -> str: ...
