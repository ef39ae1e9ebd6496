"""Fixtures: the board's Pull URI service on 127.0.0.1 and adapters pointed at it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization

from adapters.digilocker import (
    DigiLockerIssuerConfig,
    IssuerDocType,
    IssuerLookupField,
    digilocker_adapter,
)
from adapters.sdk import Gender, Identity, IssuerAdapter
from tests.adapters.digilocker.issuer import (
    API_KEY,
    ORG_ID,
    BoardService,
    SigningIdentity,
    new_signing_identity,
    serving,
)
from tests.adapters.digilocker.records import (
    BOARD,
    ISSUER_ID,
)

AARTI_IDENTITY = Identity(
    name="Aarti Sunil Deshmukh", dob=date(2006, 3, 14), gender=Gender.FEMALE
)
OMKAR_IDENTITY = Identity(
    name="Omkar Vijay Kulkarni", dob=date(2006, 11, 2), gender=Gender.MALE
)
SAYALI_IDENTITY = Identity(
    name="Sayali Prakash Jadhav", dob=date(2006, 7, 27), gender=Gender.FEMALE
)

SEAT_NUMBER = IssuerLookupField(
    name="seatNumber",
    element="SeatNo",
    label="Seat number",
    example="M240318",
    pattern="[A-Z][0-9]{6}",
    description="The seat number on your hall ticket.",
    uppercase=True,
)
DOC_TYPES = (
    IssuerDocType(
        code="HSCER",
        name="HSC Marksheet",
        description="Higher Secondary Certificate (Class XII) statement of marks.",
        lookup_fields=(
            SEAT_NUMBER,
            IssuerLookupField(
                name="year",
                element="Year",
                label="Year of passing",
                example="2024",
                pattern="20[0-9]{2}",
            ),
        ),
    ),
    IssuerDocType(
        code="SSCER",
        name="SSC Marksheet",
        description="Secondary School Certificate (Class X) statement of marks.",
        lookup_fields=(
            SEAT_NUMBER,
            IssuerLookupField(
                name="dateOfBirth",
                element="BirthDate",
                label="Date of birth",
                example="02-11-2006",
                date=True,
            ),
        ),
    ),
)

ConfigFactory = Callable[..., DigiLockerIssuerConfig]


@pytest.fixture(scope="session")
def board_signer() -> SigningIdentity:
    return new_signing_identity()


@pytest.fixture
def board() -> BoardService:
    return BoardService()


@pytest.fixture
def board_url(board: BoardService) -> Iterator[str]:
    with serving(board) as url:
        yield url


@pytest.fixture
def make_config(board_url: str) -> ConfigFactory:
    """A config for the board at ``board_url``; keyword arguments override."""

    def make(**overrides: Any) -> DigiLockerIssuerConfig:
        values: dict[str, Any] = {
            "issuer_id": ISSUER_ID,
            "name": BOARD,
            "org_id": ORG_ID,
            "pull_uri_url": f"{board_url}/pulluri",
            "api_key": API_KEY,
            "doc_types": DOC_TYPES,
            "organization_code": "MSBSHSE",
            "read_timeout_seconds": 5.0,
            "total_timeout_seconds": 10.0,
            **overrides,
        }
        return DigiLockerIssuerConfig(**values)

    return make


@pytest.fixture
def adapter(make_config: ConfigFactory) -> IssuerAdapter:
    return digilocker_adapter(make_config())


def certificate_pem(signer: SigningIdentity) -> str:
    return signer.certificate.public_bytes(serialization.Encoding.PEM).decode()
