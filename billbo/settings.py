"""All of BillBo's configuration, read once from ``BILLBO_*`` environment variables."""

from __future__ import annotations

import base64
import binascii
import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent

Environment = Literal["development", "test", "production"]
LogFormat = Literal["auto", "console", "json"]


class Settings(BaseSettings):
    """BillBo's settings. Every field maps to ``BILLBO_<FIELD>`` (case-insensitive)."""

    model_config = SettingsConfigDict(env_prefix="BILLBO_", extra="ignore", frozen=True)

    env: Environment = Field("development", description="development, test or production.")
    data_dir: Path = Field(
        Path(".billbo"),
        description="Where the embedded servers keep their data, and the development secrets.",
    )

    postgres_url: SecretStr | None = Field(
        None,
        description="postgresql://user:password@host:port/db. Unset: BillBo runs its own Postgres.",
    )
    clickhouse_url: SecretStr | None = Field(
        None,
        description="http(s)://user:password@host:port/database. Unset: BillBo runs its own "
        "ClickHouse (chDB behind the ClickHouse HTTP interface).",
    )
    clickhouse_cluster: str | None = Field(
        None,
        description="ClickHouse cluster name. Set: the schema uses Replicated* tables ON CLUSTER "
        "and a Distributed table in front of them.",
    )

    host: str = Field("127.0.0.1", description="Address the BillBo services listen on.")
    ingest_port: int = Field(9876, description="Ingest API port.")
    dashboard_port: int = Field(8080, description="Dashboard API port.")
    dagster_port: int = Field(3000, description="Dagster UI port.")
    dagster_code_port: int = Field(
        4000, description="Port of the Dagster code server (gRPC) that the UI and the daemon share."
    )
    local_clickhouse_port: int = Field(8123, description="Port of the embedded ClickHouse server.")
    local_postgres_port: int = Field(5433, description="Port of the embedded Postgres server.")
    postgres_bin_dir: Path | None = Field(
        None,
        description="Folder holding initdb and postgres for the embedded server. Unset: searched "
        "in /usr/lib/postgresql/<newest>/bin, then on PATH.",
    )

    jwt_secret: SecretStr | None = Field(
        None,
        description="Signs dashboard sessions. Required in production; in development it is "
        "generated once and kept in the data directory.",
    )
    secrets_key: SecretStr | None = Field(
        None,
        description="Encrypts merchants' Stripe keys and webhook secrets at rest: 32 random bytes in "
        "base64 (python -c 'import secrets; print(secrets.token_urlsafe(32))'). Required in production; "
        "in development it is generated once and kept in the data directory.",
    )

    stripe_api_base: str = Field(
        "https://api.stripe.com", description="Base URL of the Stripe API (a local fake in tests)."
    )
    stripe_max_network_retries: int = Field(
        3,
        ge=0,
        description="Retries of one Stripe request after a connection error, 409, 429 or 5xx, with the "
        "SDK's exponential backoff and jitter (0.5 s doubling, at most 5 s).",
    )
    stripe_timeout_seconds: float = Field(60.0, gt=0, description="Longest wait for one Stripe response.")

    log_format: LogFormat = Field("auto", description="auto (JSON in production, readable otherwise), console or json.")
    log_level: str = Field("INFO", description="Python log level name.")

    ingest_max_events: int = Field(10_000, description="Most events in one ingest request.")
    ingest_max_body_bytes: int = Field(10 * 1024 * 1024, description="Largest ingest request body.")
    max_body_bytes: int = Field(
        1024 * 1024, gt=0, description="Largest request body on every route but POST /v1/events (which has its own)."
    )
    ingest_max_future_seconds: int = Field(300, description="How far in the future sent_at may be.")
    ingest_rate_per_second: float = Field(20_000, description="Ingest requests per second per API key.")
    ingest_rate_burst: int = Field(40_000, description="Ingest requests a key may send in a burst.")
    ingest_flush_rows: int = Field(20_000, description="Rows that make the ingest API insert at once.")
    ingest_flush_ms: float = Field(
        5.0, description="Longest wait for more rows before an insert, when an insert slot is free."
    )
    ingest_max_pending_rows: int = Field(400_000, description="Rows buffered before ingest answers 503.")
    api_key_cache_seconds: float = Field(
        0.5, description="How long a key lookup is trusted; a revoked key stops within this (< 1 s)."
    )

    access_token_minutes: int = Field(15, description="Lifetime of a dashboard access token.")
    refresh_token_days: int = Field(30, description="Lifetime of a dashboard refresh token.")
    login_max_failures: int = Field(5, description="Failed log-ins per email in 15 minutes before 429.")
    invitation_days: int = Field(7, description="How long an invitation link works.")

    migrations_dir: Path = Field(
        REPO_ROOT / "migrations", description="Folder with the postgres/ and clickhouse/ migrations."
    )
    web_dist: Path = Field(
        REPO_ROOT / "web" / "dist",
        description="The built web dashboard (npm --prefix web run build), served by the dashboard API "
        "at every path that is not the API's.",
    )

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError(f"unknown log level {value!r}")
        return level

    @field_validator("secrets_key")
    @classmethod
    def _secrets_key_is_256_bits(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            decode_secrets_key(value.get_secret_value())  # never echoes the value
        return value

    @model_validator(mode="after")
    def _production_needs_explicit_secrets(self) -> Settings:
        if self.env == "production":
            missing = [
                name
                for name, value in (
                    ("BILLBO_JWT_SECRET", self.jwt_secret),
                    ("BILLBO_SECRETS_KEY", self.secrets_key),
                    ("BILLBO_POSTGRES_URL", self.postgres_url),
                    ("BILLBO_CLICKHOUSE_URL", self.clickhouse_url),
                )
                if value is None
            ]
            if missing:
                raise ValueError(f"BILLBO_ENV=production requires {', '.join(missing)}")
        return self

    @property
    def data_path(self) -> Path:
        return self.data_dir.resolve()

    @property
    def embedded_postgres(self) -> bool:
        return self.postgres_url is None

    @property
    def embedded_clickhouse(self) -> bool:
        return self.clickhouse_url is None

    @property
    def secure_cookies(self) -> bool:
        """Session cookies are Secure (HTTPS only) everywhere but in development on plain http."""
        return self.env != "development"

    @property
    def json_logs(self) -> bool:
        if self.log_format == "auto":
            return self.env == "production"
        return self.log_format == "json"

    def jwt_secret_value(self) -> str:
        """The JWT secret; in development, generated on first use and kept in the data directory."""
        if self.jwt_secret is not None:
            return self.jwt_secret.get_secret_value()
        return read_or_create_secret(self.data_path / "secrets" / "jwt_secret")

    def secrets_key_bytes(self) -> bytes:
        """The 256-bit key that encrypts merchant secrets; in development, generated on first use and
        kept in the data directory (losing it makes every stored merchant secret unreadable)."""
        if self.secrets_key is not None:
            return decode_secrets_key(self.secrets_key.get_secret_value())
        return decode_secrets_key(read_or_create_secret(self.data_path / "secrets" / "secrets_key"))


SECRETS_KEY_BYTES = 32


def decode_secrets_key(text: str) -> bytes:
    """The 32 bytes written in ``text`` (base64, URL-safe or standard alphabet, padding optional)."""
    compact = text.strip().translate(str.maketrans("+/", "-_")).rstrip("=")
    try:
        key = base64.b64decode(compact + "=" * (-len(compact) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("BILLBO_SECRETS_KEY must be 32 bytes written in base64") from None
    if len(key) != SECRETS_KEY_BYTES:
        raise ValueError(f"BILLBO_SECRETS_KEY must be 32 bytes written in base64 (it decodes to {len(key)})")
    return key


def settings_env(settings: Settings) -> dict[str, str]:
    """``settings`` as BILLBO_* variables, so a child process builds the same Settings."""
    env = {}
    for name in Settings.model_fields:
        value = getattr(settings, name)
        if value is None:
            continue
        if isinstance(value, SecretStr):
            value = value.get_secret_value()
        env[f"BILLBO_{name.upper()}"] = str(value)
    return env


def read_or_create_secret(path: Path, nbytes: int = 32) -> str:
    """Return the secret stored at ``path``, creating it (mode 0600) if it does not exist."""
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    tmp.write_text(secrets.token_urlsafe(nbytes))
    tmp.chmod(0o600)
    try:
        os.link(tmp, path)  # atomic: of two racing processes exactly one secret wins
    except FileExistsError:
        pass
    finally:
        tmp.unlink()
    return path.read_text().strip()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, built once."""
    return Settings()
