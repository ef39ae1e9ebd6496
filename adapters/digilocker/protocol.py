"""The requests of DigiLocker's Pull URI API, and how they are authenticated.

Two messages go to an issuer, both as an XML body POSTed with
``Content-Type: application/xml``::

    <PullURIRequest xmlns:ns2="http://tempuri.org/" ver="1.0"
        ts="2026-12-04T10:15:00+05:30" txn="…" orgId="…" keyhash="…" format="xml">
      <DocDetails>
        <DocType>HSCER</DocType>
        <DigiLockerId>…36 characters…</DigiLockerId>
        <FullName>Aarti Sunil Deshmukh</FullName>
        <DOB>14-03-2006</DOB>
        <SeatNo>M240318</SeatNo>            the issuer's own search elements
      </DocDetails>
    </PullURIRequest>

    <PullDocRequest …same attributes…>
      <DocDetails><URI>…</URI><DigiLockerId>…</DigiLockerId>…</DocDetails>
    </PullDocRequest>

As DigiLocker itself does, the namespace is declared on the root under the
prefix ``ns2`` while the elements stay unqualified; issuers read them by local
name either way.

Authentication, per the published specification:

- ``keyhash`` (legacy attribute): hex SHA-256 of the API key followed by ``ts``;
- header ``x-digilocker-hmac``: HMAC-SHA256 of the raw body keyed with the API
  key, base64-encoded. Whether the base64 is of the raw 32-byte digest or of
  its 64-character hex string is not settled by the public material. This
  adapter sends the base64 of the **raw digest**; ``hmac_matches`` accepts
  both when checking a header.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from lxml import etree

from adapters.digilocker.config import DigiLockerIssuerConfig, IssuerDocType
from adapters.sdk import Identity

HMAC_HEADER = "x-digilocker-hmac"
INDIA = timezone(timedelta(hours=5, minutes=30), "IST")
_NAMESPACE_PREFIX = "ns2"


@dataclass(frozen=True)
class SignedRequest:
    """A request body ready to send, with the headers that authenticate it.

    ``transaction_id`` is the ``txn`` the issuer must echo back.
    """

    body: bytes
    headers: Mapping[str, str]
    transaction_id: str


def keyhash(api_key: str, timestamp: str) -> str:
    """The legacy ``keyhash``: hex SHA-256 of the API key followed by ``ts``."""
    return hashlib.sha256((api_key + timestamp).encode("utf-8")).hexdigest()


def body_hmac(api_key: str, body: bytes) -> str:
    """The ``x-digilocker-hmac`` value this adapter sends: base64 of the raw digest."""
    digest = hmac.new(api_key.encode("utf-8"), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def hmac_matches(api_key: str, body: bytes, header: str | None) -> bool:
    """Whether ``header`` is a valid ``x-digilocker-hmac`` for ``body``.

    Either reading of the specification is accepted: base64 of the raw digest,
    or base64 of its lower-case hex string. Compared in constant time.
    """
    if not header:
        return False
    digest = hmac.new(api_key.encode("utf-8"), body, hashlib.sha256).digest()
    expected = (
        base64.b64encode(digest),
        base64.b64encode(digest.hex().encode("ascii")),
    )
    given = header.strip().encode("ascii", errors="replace")
    matches = [hmac.compare_digest(given, candidate) for candidate in expected]

    return any(matches)


def timestamp(now: datetime | None = None) -> str:
    """``ts`` as DigiLocker writes it: India's time, ``YYYY-MM-DDThh:mm:ss+05:30``."""
    moment = (now or datetime.now(INDIA)).astimezone(INDIA)
    return moment.strftime("%Y-%m-%dT%H:%M:%S+05:30")


def pull_uri_request(
    config: DigiLockerIssuerConfig,
    doc_type: IssuerDocType,
    lookup: Mapping[str, str],
    identity: Identity,
    *,
    now: datetime | None = None,
) -> SignedRequest:
    """A signed ``PullURIRequest`` for the resident's validated lookup values.

    ``lookup`` holds the values as the SDK cleaned them (dates as YYYY-MM-DD);
    each goes into the element the config names for it.
    """
    root, details, transaction_id = _envelope(config, "PullURIRequest", now)
    _text(details, "DocType", doc_type.code)
    _append_resident(details, config, identity)
    for name, value in lookup.items():
        field = doc_type.lookup_field(name)
        sent = _issuer_date(value) if field.date else value
        _text(details, field.element, sent)

    return _signed(config, root, transaction_id)


def pull_doc_request(
    config: DigiLockerIssuerConfig, uri: str, *, now: datetime | None = None
) -> SignedRequest:
    """A signed ``PullDocRequest`` for a document the locker holds the URI of."""
    root, details, transaction_id = _envelope(config, "PullDocRequest", now)
    _text(details, "URI", uri)
    _text(details, "DigiLockerId", str(uuid.uuid4()))

    return _signed(config, root, transaction_id)


def _envelope(
    config: DigiLockerIssuerConfig, message: str, now: datetime | None
) -> tuple[etree._Element, etree._Element, str]:
    transaction_id = str(uuid.uuid4())
    sent_at = timestamp(now)
    root = etree.Element(
        message, nsmap={_NAMESPACE_PREFIX: config.namespace.for_message(message)}
    )
    # Attributes in the order DigiLocker writes them.
    root.set("ver", config.api_version)
    root.set("ts", sent_at)
    root.set("txn", transaction_id)
    root.set("orgId", config.org_id)
    root.set("keyhash", keyhash(config.api_key, sent_at))
    root.set("format", config.content_format.value)
    details = etree.SubElement(root, "DocDetails")

    return root, details, transaction_id


def _append_resident(
    details: etree._Element, config: DigiLockerIssuerConfig, identity: Identity
) -> None:
    # The SDK does not hand adapters the resident's account, and the locker
    # shares no account id with issuers: DigiLockerId is a fresh id each time.
    _text(details, "DigiLockerId", str(uuid.uuid4()))
    if config.send_identity:
        _text(details, "FullName", identity.name)
        _text(details, "DOB", identity.dob.strftime("%d-%m-%Y"))


def _signed(
    config: DigiLockerIssuerConfig, root: etree._Element, transaction_id: str
) -> SignedRequest:
    body = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    headers = {
        "Content-Type": "application/xml",
        "Accept": "application/xml",
        HMAC_HEADER: body_hmac(config.api_key, body),
    }

    return SignedRequest(body=body, headers=headers, transaction_id=transaction_id)


def _text(parent: etree._Element, tag: str, value: str) -> None:
    etree.SubElement(parent, tag).text = value


def _issuer_date(value: str) -> str:
    return date.fromisoformat(value).strftime("%d-%m-%Y")
