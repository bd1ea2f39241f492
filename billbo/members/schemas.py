"""Request and response models of seats and invitations."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from billbo.accounts.passwords import MAX_LENGTH, MIN_LENGTH
from billbo.fields import Email

Role = Literal["owner", "admin", "member", "viewer"]


class Member(BaseModel):
    user_id: uuid.UUID
    email: str
    role: Role
    created_at: dt.datetime


class PendingInvitation(BaseModel):
    invitation_id: uuid.UUID
    email: str
    role: Role
    expires_at: dt.datetime


class Members(BaseModel):
    members: list[Member]
    invitations: list[PendingInvitation]


class InvitationIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"email": "bo@acme.io", "role": "member"}]}
    )

    email: Email
    role: Role


class InvitationOut(PendingInvitation):
    link: str = Field(description="Send this to the person invited; it works once, until expires_at.")


class Acceptance(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: str = Field(min_length=10, max_length=200)
    password: str = Field(min_length=MIN_LENGTH, max_length=MAX_LENGTH)


class RoleChange(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"role": "admin"}]})

    role: Role
