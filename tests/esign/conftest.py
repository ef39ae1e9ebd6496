"""The locker CA, a stranger's CA, a frozen clock and a signed rent agreement.

CA creation takes milliseconds (ECDSA), so each test module gets its own CA
folder; the signed agreement is made once per module too.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from io import BytesIO
from typing import Any

import pytest

from services.clock import FrozenClock
from services.esign.ca import LockerCA
from services.esign.signing import esign_pdf
from tests.esign.samples import TENANT, TENANT_ACCOUNT, rent_agreement

# 14 March 2026, 4 pm in Pune: the day the tenant self-attests the agreement.
SIGNED_AT = datetime(2026, 3, 14, 10, 30, tzinfo=UTC)

# esign(source_pdf_bytes, **overrides) -> signed PDF bytes
ESign = Callable[..., bytes]


@pytest.fixture(scope="module")
def ca(tmp_path_factory: pytest.TempPathFactory) -> LockerCA:
    return LockerCA.load_or_create(tmp_path_factory.mktemp("esign-ca"), generate=True)


@pytest.fixture(scope="module")
def other_ca(tmp_path_factory: pytest.TempPathFactory) -> LockerCA:
    """Another locker's CA, with the same name as ours."""
    return LockerCA.load_or_create(tmp_path_factory.mktemp("other-ca"), generate=True)


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(SIGNED_AT)


@pytest.fixture(scope="module")
def esign(ca: LockerCA, tmp_path_factory: pytest.TempPathFactory) -> ESign:
    folder = tmp_path_factory.mktemp("esign-sources")

    def sign(source: bytes, **overrides: Any) -> bytes:
        path = folder / "upload.pdf"
        path.write_bytes(source)
        arguments: dict[str, Any] = {
            "ca": ca,
            "holder_name": TENANT,
            "account_id": TENANT_ACCOUNT,
            "signed_at": SIGNED_AT,
        } | overrides
        output = BytesIO()
        esign_pdf(path, output, **arguments)
        return output.getvalue()

    return sign


@pytest.fixture(scope="module")
def agreement() -> bytes:
    return rent_agreement()


@pytest.fixture(scope="module")
def signed_agreement(esign: ESign, agreement: bytes) -> bytes:
    return esign(agreement)
