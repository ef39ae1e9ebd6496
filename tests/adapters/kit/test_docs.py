"""The issuers' guide (docs/adapters.md) shows configuration that really loads."""

from __future__ import annotations

import re
from pathlib import Path

from cryptography.hazmat.primitives import serialization

from adapters.digilocker import read_config_file
from tests.adapters.digilocker.issuer import new_signing_identity

GUIDE = Path(__file__).parents[3] / "docs" / "adapters.md"


def test_the_guides_digilocker_issuer_config_loads(tmp_path: Path) -> None:
    (example,) = [
        block
        for block in re.findall(r"```toml\n(.*?)```", GUIDE.read_text(), re.S)
        if "[[issuers]]" in block
    ]
    config_file = tmp_path / "issuers.toml"
    config_file.write_text(example, encoding="utf-8")
    certificate = new_signing_identity().certificate
    (tmp_path / "msbshse-signing.pem").write_bytes(
        certificate.public_bytes(serialization.Encoding.PEM)
    )

    (config,) = read_config_file(
        config_file, environ={"MSBSHSE_DIGILOCKER_API_KEY": "b7c1e9a4f0d2386e5a1c"}
    )

    assert config.issuer_id == "in.gov.mahahsscboard"
    assert config.uses_pull_doc
    assert [field.name for field in config.doc_type("HSCER").lookup_fields] == [
        "seatNumber",
        "year",
    ]
