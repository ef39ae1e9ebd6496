"""Settings: safe defaults, and production refuses development secrets."""

from __future__ import annotations

from pathlib import Path

import pytest

from app import UnsafeSettings, create_app
from config.settings import Settings
from services.objects import MasterKey

STRONG = "k" * 48
AADHAAR_KEY = "cHJvZHVjdGlvbi1hYWRoYWFyLWtleS0zMi1ieXRlcyE="


def test_production_refuses_development_keys_and_names_each() -> None:
    settings = Settings(environment="production")

    with pytest.raises(UnsafeSettings) as refused:
        create_app(settings)

    message = str(refused.value)
    assert "LOCKER_SECRET_KEY is the development key" in message
    assert "LOCKER_AADHAAR_KEY is the development key" in message
    assert "LOCKER_GENERATE_ISSUER_KEYS" in message
    assert "LOCKER_SMS_SENDER=log" in message
    assert "LOCKER_MASTER_KEY is the development key" in message
    assert "LOCKER_GENERATE_ESIGN_CA" in message


def test_production_refuses_a_short_secret_key() -> None:
    settings = Settings(environment="production", secret_key="short")

    assert "LOCKER_SECRET_KEY is shorter than 32 characters" in (
        settings.production_problems()
    )


def test_production_with_real_secrets_has_no_problems() -> None:
    settings = Settings(
        environment="production",
        secret_key=STRONG,
        aadhaar_key=AADHAAR_KEY,
        generate_issuer_keys=False,
        generate_esign_ca=False,
        master_key=MasterKey.generate().to_secret(),
        sms_sender="http",
        sms_gateway_url="https://sms.example.invalid/send",
    )

    assert settings.production_problems() == []


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOCKER_SESSION_IDLE_SECONDS", "120")
    monkeypatch.setenv("DATABASE_URL", "postgres://locker@db.internal:5432/locker")

    settings = Settings()

    assert settings.session_idle_seconds == 120
    assert settings.db_url == "postgres://locker@db.internal:5432/locker"


def test_default_database_is_a_sqlite_file_in_the_data_dir(
    monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)

    settings = Settings(data_dir="/srv/locker-data")

    assert settings.db_url == "sqlite:///srv/locker-data/locker.sqlite3"
    assert str(settings.objects_dir) == "/srv/locker-data/objects"
    assert str(settings.keys_dir) == "/srv/locker-data/keys"


def test_readme_documents_every_setting() -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")

    for name, field in Settings.model_fields.items():
        alias = field.validation_alias
        variable = alias if isinstance(alias, str) else f"LOCKER_{name.upper()}"
        assert f"`{variable}`" in readme, f"{variable} is not in the README"


def test_links_follow_the_port_unless_a_public_url_is_set() -> None:
    moved = Settings(port=8019)
    behind_proxy = Settings(port=8019, public_url="https://locker.example.gov.in/")

    assert moved.base_url == "http://127.0.0.1:8019"
    assert behind_proxy.base_url == "https://locker.example.gov.in"


def test_serve_refuses_production_with_development_keys_in_plain_words(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import cli

    status = cli.serve(Settings(environment="production"))

    assert status == 2
    assert "LOCKER_SECRET_KEY is the development key" in capsys.readouterr().err
