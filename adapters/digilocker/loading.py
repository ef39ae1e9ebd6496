"""Reading DigiLocker issuers' configs from TOML or JSON files.

An issuer that already serves DigiLocker's Pull URI API joins with a table
like this in a TOML file (JSON with the same keys works too)::

    [[issuers]]
    issuer_id = "in.gov.mahahsscboard"
    name = "Maharashtra State Board of Secondary and Higher Secondary Education"
    org_id = "openlocker"
    pull_uri_url = "https://results.mahahsscboard.in/digilocker/pulluri"
    pull_doc_url = "https://results.mahahsscboard.in/digilocker/pulldoc"
    api_key_env = "MSBSHSE_DIGILOCKER_API_KEY"
    certificate_file = "msbshse-signing.pem"

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

``load_issuer_config`` turns one such table into a ``DigiLockerIssuerConfig``
(the API key from the named environment variable, the certificate from the
named file) and ``read_config_file`` reads every ``[[issuers]]`` of a file.

Keys are ``DigiLockerIssuerConfig``'s fields, plus ``api_key_env`` and
``certificate_file``; an unknown key is an error, so a typo never passes
silently.
"""

from __future__ import annotations

import json
import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pydantic

from adapters.digilocker.config import DigiLockerIssuerConfig


class ConfigError(ValueError):
    """A DigiLocker issuer's configuration is incomplete or wrong."""


_config_adapter: pydantic.TypeAdapter[DigiLockerIssuerConfig] = pydantic.TypeAdapter(
    DigiLockerIssuerConfig
)


def load_issuer_config(
    table: Mapping[str, Any],
    *,
    environ: Mapping[str, str] | None = None,
    base_dir: Path | None = None,
) -> DigiLockerIssuerConfig:
    """Build and check one issuer's config from a parsed TOML or JSON table.

    Besides the dataclass's own keys, ``api_key_env`` names the environment
    variable holding the API key (keep keys out of files), and
    ``certificate_file`` a PEM file, relative to ``base_dir``. Raises
    ``ConfigError`` saying which key is wrong.
    """
    values = dict(table)
    environment = os.environ if environ is None else environ
    label = str(values.get("issuer_id", "a DigiLocker issuer"))

    key_variable = values.pop("api_key_env", None)
    if key_variable is not None:
        if "api_key" in values:
            raise ConfigError(f"{label}: give api_key or api_key_env, not both")
        if str(key_variable) not in environment:
            raise ConfigError(f"{label}: environment variable {key_variable} is unset")
        values["api_key"] = environment[str(key_variable)]

    certificate_file = values.pop("certificate_file", None)
    if certificate_file is not None:
        if "certificate_pem" in values:
            raise ConfigError(
                f"{label}: give certificate_pem or certificate_file, not both"
            )
        path = (base_dir or Path.cwd()) / str(certificate_file)
        try:
            values["certificate_pem"] = path.read_text(encoding="ascii")
        except (OSError, UnicodeDecodeError) as error:
            raise ConfigError(f"{label}: cannot read {path}: {error}") from None

    try:
        return _config_adapter.validate_python(values)
    except pydantic.ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in problem['loc']) or 'config'}: "
            f"{problem['msg']}"
            for problem in error.errors(include_url=False, include_input=False)
        )
        raise ConfigError(f"{label}: {problems}") from None


def read_config_file(
    path: Path, *, environ: Mapping[str, str] | None = None
) -> tuple[DigiLockerIssuerConfig, ...]:
    """Every issuer in a ``.toml`` or ``.json`` file's ``issuers`` list.

    Certificate files are found beside the config file.
    """
    try:
        text = path.read_text(encoding="utf-8")
        parsed: Any = (
            json.loads(text) if path.suffix == ".json" else tomllib.loads(text)
        )
    except (OSError, ValueError) as error:
        raise ConfigError(f"cannot read {path}: {error}") from None

    tables = parsed.get("issuers") if isinstance(parsed, dict) else None
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise ConfigError(f"{path} should hold a list of tables named 'issuers'")
    configs = tuple(
        load_issuer_config(table, environ=environ, base_dir=path.parent)
        for table in tables
    )
    ids = [config.issuer_id for config in configs]
    if len(set(ids)) != len(ids):
        raise ConfigError(f"{path} names an issuer id twice: {', '.join(ids)}")

    return configs
