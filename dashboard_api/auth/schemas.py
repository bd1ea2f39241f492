"""Request and response models of accounts and sessions."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator

from dashboard_api.auth.passwords import MAX_LENGTH, MIN_LENGTH


class Credentials(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={
        "examples": [{"email": "ana@acme.io", "password": "correct horse battery staple"}]})  # fmt: skip

    email: EmailStr
    password: str = Field(min_length=1, max_length=MAX_LENGTH)

    @field_validator("email")
    @classmethod
    def _lower(cls, value: str) -> str:
        return value.lower()


class SignUp(Credentials):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"email": "ana@acme.io", "password": "correct horse battery staple", "organisation": "Acme"}]})  # fmt: skip

    password: str = Field(min_length=MIN_LENGTH, max_length=MAX_LENGTH)
    organisation: str = Field(min_length=1, max_length=200)


class Me(BaseModel):
    user_id: uuid.UUID
    email: str
    role: str
    merchant_id: uuid.UUID
    merchant_name: str
