"""Configuring a DigiLocker issuer from a file, without code."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.digilocker import (
    ConfigError,
    RequestNamespace,
    digilocker_adapter,
    load_issuer_config,
    read_config_file,
)
from adapters.registry import AdapterRegistry, RegistryError
from tests.adapters.digilocker.conftest import certificate_pem
from tests.adapters.digilocker.issuer import SigningIdentity

CONFIG_TOML = """
[[issuers]]
issuer_id = "in.gov.mahahsscboard"
name = "Maharashtra State Board of Secondary and Higher Secondary Education"
org_id = "openlocker"
pull_uri_url = "https://results.mahahsscboard.example/digilocker/pulluri"
pull_doc_url = "https://results.mahahsscboard.example/digilocker/pulldoc"
api_key_env = "MSBSHSE_DIGILOCKER_API_KEY"
certificate_file = "msbshse.pem"
namespace = "digilocker-v1"
read_timeout_seconds = 8

[[issuers.doc_types]]
code = "HSCER"
name = "HSC Marksheet"
description = "Higher Secondary Certificate (Class XII) statement of marks."
[[issuers.doc_types.lookup_fields]]
name = "seatNumber"
element = "SeatNo"
label = "Seat number"
example = "M240318"
pattern = "[A-Z][0-9]{6}"
uppercase = true

[[issuers.doc_types.lookup_fields]]
name = "year"
element = "Year"
label = "Year of passing"
example = "2024"
pattern = "20[0-9]{2}"
"""
ENVIRONMENT = {"MSBSHSE_DIGILOCKER_API_KEY": "msbshse-7f3c9a1e5b2d4c86a0e1f9b7"}


def _table(**changes: object) -> dict[str, object]:
    table: dict[str, object] = {
        "issuer_id": "in.gov.mahahsscboard",
        "name": "Maharashtra State Board",
        "org_id": "openlocker",
        "pull_uri_url": "https://results.mahahsscboard.example/pulluri",
        "api_key": "msbshse-7f3c9a1e5b2d4c86a0e1f9b7",
        "doc_types": [
            {
                "code": "HSCER",
                "name": "HSC Marksheet",
                "description": "Class XII statement of marks.",
                "lookup_fields": [
                    {
                        "name": "seatNumber",
                        "element": "SeatNo",
                        "label": "Seat number",
                        "example": "M240318",
                        "pattern": "[A-Z][0-9]{6}",
                    }
                ],
            }
        ],
    }
    table.update(changes)
    return table


def test_a_toml_file_configures_an_issuer_with_key_and_certificate_outside_it(
    tmp_path: Path, board_signer: SigningIdentity
) -> None:
    (tmp_path / "msbshse.pem").write_text(certificate_pem(board_signer))
    path = tmp_path / "issuers.toml"
    path.write_text(CONFIG_TOML)

    [config] = read_config_file(path, environ=ENVIRONMENT)

    assert config.api_key == ENVIRONMENT["MSBSHSE_DIGILOCKER_API_KEY"]
    assert config.certificate_pem == certificate_pem(board_signer)
    assert config.namespace is RequestNamespace.DIGILOCKER_V1
    assert config.uses_pull_doc
    assert config.read_timeout_seconds == 8
    assert "msbshse-7f3c" not in repr(config)
    adapter = digilocker_adapter(config)
    assert adapter.doc_type("HSCER").lookup_fields[0].label == "Seat number"


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"colour": "blue"}, "colour"),
        ({"pull_uri_url": "http://results.mahahsscboard.example/pulluri"}, "https"),
        ({"issuer_id": "MSBSHSE"}, "reverse-domain"),
        ({"api_key": "short"}, "api_key"),
        ({"max_response_bytes": 10}, "max_response_bytes"),
        ({"read_timeout_seconds": 0}, "timeouts"),
        ({"total_timeout_seconds": 100_000}, "at most 120"),
        (
            {"pull_uri_url": "https://msb:hunter2@results.mahahsscboard.example/p"},
            "user name or password",
        ),
        ({"stale_copy_seconds": -1}, "stale_copy_seconds"),
        ({"certificate_pem": "-----BEGIN CERTIFICATE-----\nx\n"}, "certificate_pem"),
        ({"doc_types": []}, "doc_types"),
    ],
)
def test_a_mistake_is_refused_with_the_key_named(
    changes: dict[str, object], named: str
) -> None:
    with pytest.raises(ConfigError) as raised:
        load_issuer_config(_table(**changes))

    assert named in str(raised.value)


def test_a_lookup_field_may_not_reuse_an_element_the_request_sends() -> None:
    table = _table()
    doc_type = table["doc_types"][0]  # type: ignore[index]
    doc_type["lookup_fields"][0]["element"] = "DOB"

    with pytest.raises(ConfigError) as raised:
        load_issuer_config(table)

    assert "DOB" in str(raised.value)


def test_a_lookup_example_must_pass_its_own_pattern() -> None:
    table = _table()
    doc_type = table["doc_types"][0]  # type: ignore[index]
    doc_type["lookup_fields"][0]["example"] = "not-a-seat"

    with pytest.raises(ConfigError) as raised:
        load_issuer_config(table)

    assert "'not-a-seat' does not match its own pattern" in str(raised.value)


def test_a_missing_key_variable_is_named() -> None:
    table = _table(api_key_env="MSBSHSE_DIGILOCKER_API_KEY")
    del table["api_key"]

    with pytest.raises(ConfigError) as raised:
        load_issuer_config(table, environ={})

    assert "MSBSHSE_DIGILOCKER_API_KEY is unset" in str(raised.value)


def test_plain_http_is_allowed_only_to_this_machine() -> None:
    config = load_issuer_config(_table(pull_uri_url="http://127.0.0.1:8089/pulluri"))

    assert config.pull_uri_url == "http://127.0.0.1:8089/pulluri"


def test_two_configs_claiming_one_issuer_id_are_refused_by_the_registry() -> None:
    registry = AdapterRegistry()
    registry.add(digilocker_adapter(load_issuer_config(_table())), origin="first")

    with pytest.raises(RegistryError):
        registry.add(digilocker_adapter(load_issuer_config(_table())), origin="second")


def test_the_server_refuses_to_start_on_a_mistake_in_one_line(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import cli
    from config.settings import Settings

    issuers_file = tmp_path / "issuers.toml"
    issuers_file.write_text(
        CONFIG_TOML.replace("org_id", "orgid").replace(
            'certificate_file = "msbshse.pem"\n', ""
        )
    )
    for name, value in ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    settings = Settings(data_dir=tmp_path, issuers_file=issuers_file)

    assert cli.serve(settings) == 2
    refusal = capsys.readouterr().err.strip()
    assert refusal.startswith("refusing to start: in.gov.mahahsscboard:")
    assert "orgid" in refusal
    assert len(refusal.splitlines()) == 1
