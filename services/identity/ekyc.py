"""Aadhaar eKYC providers: prove a resident holds a number, answer who they are.

An eKYC exchange has two steps, as with UIDAI: ``request_otp`` texts a code to
the mobile registered with the Aadhaar number and answers a transaction id;
``confirm`` takes that id and the code and answers the verified identity.
``SandboxEkycProvider`` plays UIDAI for development and tests with invented
residents read from a JSON fixture.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from adapters.sdk import Address, Gender
from config.settings import Settings
from services.crypto import keyed_hash, mask_mobile
from services.errors import EkycFailed
from services.otp import OtpService

logger = logging.getLogger(__name__)

EKYC = "ekyc"
SANDBOX_FIXTURE = Path(__file__).with_name("sandbox_residents.json")


@dataclass(frozen=True)
class EkycRequest:
    """A started eKYC exchange: its id and where the code went."""

    transaction_id: str
    masked_mobile: str


@dataclass(frozen=True)
class EkycIdentity:
    """The identity an eKYC provider confirmed for an Aadhaar number."""

    name: str
    dob: date
    gender: Gender
    address: Address


class EkycProvider(Protocol):
    """An Aadhaar eKYC service.

    ``aadhaar`` is a validated 12-digit number. ``request_otp`` raises
    ``EkycFailed`` when the provider will not send a code for it, and
    ``RateLimited`` when its sending limits refuse (``client_address`` is the
    resident's, for the per-address limit); ``confirm`` raises the OTP errors
    (``OtpInvalid``, ``OtpExpired``, ...) or ``EkycFailed``.
    """

    async def request_otp(
        self, aadhaar: str, *, client_address: str | None = None
    ) -> EkycRequest: ...

    async def confirm(self, transaction_id: str, otp: str) -> EkycIdentity: ...


@dataclass(frozen=True)
class _Resident:
    mobile: str
    identity: EkycIdentity


class SandboxEkycProvider:
    """A stand-in for UIDAI over a fixture of invented residents.

    Codes go through ``OtpService`` (purpose ``ekyc``) to the resident's
    registered mobile, so tests read them from the SMS sink and the locker's
    OTP limits apply. The challenge's payload keeps only the keyed hash of the
    number, never the number.
    """

    def __init__(self, fixture_path: Path, otp: OtpService) -> None:
        self._otp = otp
        self._key = otp.settings.secret_key.get_secret_value().encode()
        self._residents = _load_residents(fixture_path)
        self._by_hash = {
            self._hash(number): resident for number, resident in self._residents.items()
        }

    async def request_otp(
        self, aadhaar: str, *, client_address: str | None = None
    ) -> EkycRequest:
        """Text a code to the resident's registered mobile, as UIDAI would."""
        resident = self._residents.get(aadhaar)
        if resident is None:
            raise EkycFailed(
                "There is no resident with this Aadhaar number in the sandbox; "
                "use one of the sandbox residents' numbers.",
                field="aadhaar",
            )
        minutes = max(1, self._otp.settings.otp_ttl_seconds // 60)

        challenge = await self._otp.issue(
            EKYC,
            resident.mobile,
            text="{code} is your Aadhaar OTP to verify your identity with "
            f"openlocker. It is valid for {minutes} minutes. Do not share it.",
            payload={"aadhaar_hash": self._hash(aadhaar)},
            client_address=client_address,
        )

        return EkycRequest(
            transaction_id=str(challenge.id),
            masked_mobile=mask_mobile(resident.mobile),
        )

    async def confirm(self, transaction_id: str, otp: str) -> EkycIdentity:
        """Check the code (once only) and answer the resident's identity."""
        challenge = await self._otp.verify(transaction_id, otp, purpose=EKYC)
        await self._otp.consume(challenge)

        resident = self._by_hash.get(challenge.payload.get("aadhaar_hash", ""))
        if resident is None:
            # The fixture changed between request and confirmation.
            raise EkycFailed("The sandbox no longer knows this resident; start again.")

        return resident.identity

    def _hash(self, aadhaar: str) -> str:
        return keyed_hash(self._key, aadhaar, purpose="aadhaar")


def ekyc_provider_from_settings(settings: Settings, otp: OtpService) -> EkycProvider:
    """The provider ``settings.ekyc_provider`` names (only the sandbox, so far)."""
    return SandboxEkycProvider(settings.ekyc_fixture or SANDBOX_FIXTURE, otp)


def _load_residents(path: Path) -> dict[str, _Resident]:
    """The fixture's residents by Aadhaar number."""
    document = json.loads(path.read_text(encoding="utf-8"))

    return {entry["aadhaar"]: _resident(entry) for entry in document["residents"]}


def _resident(entry: dict[str, Any]) -> _Resident:
    address = entry.get("address", {})

    return _Resident(
        mobile=entry["mobile"],
        identity=EkycIdentity(
            name=entry["name"],
            dob=date.fromisoformat(entry["dob"]),
            gender=Gender(entry["gender"]),
            address=Address(**address),
        ),
    )
