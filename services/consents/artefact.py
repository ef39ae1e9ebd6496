"""The consent artefact: a consent as the locker signed it, checkable by anyone.

An artefact is a compact JWS (RFC 7515) signed with ES256 under the locker's
consent key. Its protected header names the key (``kid``, the key's RFC 7638
thumbprint) and the type (``typ``: ``openlocker-consent+jws``), so a JWS the
same key signed for another purpose is never taken for a consent. The payload
is UTF-8 JSON with sorted keys::

    {
      "schema": "openlocker-consent-v1",
      "iss": "https://locker.example",          the locker that signed it
      "consent_id": "8d0e…",
      "resident_id": "5b7c…",                   the account id, nothing more
      "requester": {"client_id": "…", "org_id": "in.ac.iitm", "name": "…"},
      "purpose": {"code": "ADMISSION", "text": "Admission verification"},
      "documents": [{"uri": "in.gov.cbse-HSCER-…", "forms": ["metadata", "pdf"]}],
      "created_at": "2026-12-03T10:00:00Z",
      "valid_from": "2026-12-03T10:00:00Z",
      "valid_until": "2027-01-02T10:00:00Z",
      "max_reads": 3,                           null for no limit
      "status": "active"
    }

Times are UTC, to the second. The artefact records the consent as granted;
a later revocation or expiry changes the consent's status in the locker, not
the signed artefact. To check one, fetch the locker's public keys (the
``consentSigningKeys`` GraphQL field) and call ``verify_artefact``, or use any
JOSE library: verify ES256 with the key whose ``kid`` the header names.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, KeySet

from models import Consent, Requester
from services.consents.keys import ALGORITHM

ARTEFACT_TYPE = "openlocker-consent+jws"
SCHEMA = "openlocker-consent-v1"


class InvalidArtefact(ValueError):
    """The artefact is malformed, or its signature does not verify."""


def artefact_claims(
    consent: Consent, requester: Requester, *, issuer: str
) -> dict[str, Any]:
    """What the artefact of ``consent``, granted to ``requester``, states."""
    return {
        "schema": SCHEMA,
        "iss": issuer,
        "consent_id": str(consent.id),
        "resident_id": str(consent.account_id),
        "requester": {
            "client_id": requester.client_id,
            "org_id": requester.org_id,
            "name": requester.name,
        },
        "purpose": {"code": consent.purpose_code, "text": consent.purpose_text},
        "documents": consent.documents,
        "created_at": _utc_text(consent.created_at),
        "valid_from": _utc_text(consent.valid_from),
        "valid_until": _utc_text(consent.valid_until),
        "max_reads": consent.max_reads,
        "status": consent.status,
    }


def sign_artefact(claims: Mapping[str, Any], key: ECKey) -> str:
    """The compact JWS of ``claims`` under ``key`` (which has its ``kid``)."""
    header = {"alg": ALGORITHM, "kid": key.kid, "typ": ARTEFACT_TYPE}
    payload = json.dumps(
        claims, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode()

    return jws.serialize_compact(header, payload, key, algorithms=[ALGORITHM])


def verify_artefact(artefact: str, jwks: Mapping[str, Any]) -> dict[str, Any]:
    """The claims of ``artefact`` once its signature verifies against ``jwks``.

    Raises ``InvalidArtefact`` when it is not a compact JWS, names a key that
    ``jwks`` does not hold, uses another algorithm, is not of the consent type
    or its signature does not verify.
    """
    try:
        keys = KeySet.import_key_set(dict(jwks))  # type: ignore[arg-type]
        signature = jws.deserialize_compact(artefact, keys, algorithms=[ALGORITHM])
    except (JoseError, ValueError) as error:
        raise InvalidArtefact(f"not a valid consent artefact: {error}") from error

    if signature.protected.get("typ") != ARTEFACT_TYPE:
        raise InvalidArtefact(f"the JWS is not of type {ARTEFACT_TYPE}")
    try:
        claims = json.loads(signature.payload)
    except ValueError as error:
        raise InvalidArtefact("the artefact's payload is not JSON") from error
    if not isinstance(claims, dict) or claims.get("schema") != SCHEMA:
        raise InvalidArtefact(f"the artefact's payload is not {SCHEMA}")

    return claims


def _utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
