from __future__ import annotations

import stat
from pathlib import Path

import pytest
from pydantic import ValidationError

from billbo.settings import REPO_ROOT, Settings, read_or_create_secret


def test_defaults_are_the_documented_ports(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "BILLBO_INGEST_PORT",
        "BILLBO_DASHBOARD_PORT",
        "BILLBO_DAGSTER_PORT",
        "BILLBO_LOCAL_CLICKHOUSE_PORT",
    ):
        monkeypatch.delenv(name, raising=False)
    settings = Settings()
    assert (settings.ingest_port, settings.dashboard_port, settings.dagster_port, settings.local_clickhouse_port) == (
        9876,
        8080,
        3000,
        8123,
    )
    assert settings.data_dir == Path(".billbo")


def test_the_web_dashboard_is_the_repositorys_build_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BILLBO_WEB_DIST", raising=False)
    assert Settings().web_dist == REPO_ROOT / "web" / "dist"
    monkeypatch.setenv("BILLBO_WEB_DIST", "/srv/billbo/web")
    assert Settings().web_dist == Path("/srv/billbo/web")


def test_settings_come_from_billbo_environment_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BILLBO_POSTGRES_URL", "postgresql://u:p@db:5432/billbo")
    monkeypatch.setenv("BILLBO_CLICKHOUSE_URL", "https://ch:8443/billbo")
    monkeypatch.setenv("BILLBO_CLICKHOUSE_CLUSTER", "prod")
    monkeypatch.setenv("BILLBO_INGEST_PORT", "19876")
    monkeypatch.setenv("BILLBO_LOG_LEVEL", "debug")
    settings = Settings()
    assert not settings.embedded_postgres and not settings.embedded_clickhouse
    assert settings.clickhouse_cluster == "prod"
    assert settings.ingest_port == 19876
    assert settings.log_level == "DEBUG"
    assert "p@db" not in repr(settings)  # secrets never print


def test_production_requires_explicit_secrets_and_servers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BILLBO_ENV", "production")
    with pytest.raises(ValidationError, match="BILLBO_JWT_SECRET"):
        Settings()
    monkeypatch.setenv("BILLBO_JWT_SECRET", "s" * 32)
    monkeypatch.setenv("BILLBO_SECRETS_KEY", "k" * 43)
    monkeypatch.setenv("BILLBO_POSTGRES_URL", "postgresql://db/billbo")
    monkeypatch.setenv("BILLBO_CLICKHOUSE_URL", "http://ch:8123/billbo")
    settings = Settings()
    assert settings.json_logs
    assert settings.jwt_secret_value() == "s" * 32


def test_development_jwt_secret_is_generated_once_and_kept(tmp_path: Path) -> None:
    settings = Settings(env="development", data_dir=tmp_path)
    first = settings.jwt_secret_value()
    assert len(first) >= 40
    assert Settings(env="development", data_dir=tmp_path).jwt_secret_value() == first
    secret_file = tmp_path / "secrets" / "jwt_secret"
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    assert not settings.json_logs


def test_secret_file_race_has_one_winner(tmp_path: Path) -> None:
    path = tmp_path / "s"
    values = {read_or_create_secret(path) for _ in range(5)}
    assert len(values) == 1


def test_unknown_log_level_is_rejected() -> None:
    with pytest.raises(ValidationError, match="log level"):
        Settings(log_level="loud")


def test_settings_env_rebuilds_the_same_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from pydantic import SecretStr

    from billbo.settings import settings_env

    original = Settings(
        data_dir=tmp_path, ingest_port=12345, clickhouse_url=SecretStr("http://ch:8123/x"), log_level="debug"
    )
    for name, value in settings_env(original).items():
        monkeypatch.setenv(name, value)
    assert Settings() == original
