"""Request and response models of API keys."""

from __future__ import annotations

import datetime as dt
import uuid

from pydantic import BaseModel, ConfigDict, Field


class ApiKey(BaseModel):
    id: uuid.UUID
    name: str
    prefix: str
    created_by: str | None
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None


class ApiKeyIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"name": "production backend"}]})

    name: str = Field(min_length=1, max_length=200)


class NewApiKey(ApiKey):
    key: str = Field(description="The whole key. Shown this once: BillBo keeps only its SHA-256.")
