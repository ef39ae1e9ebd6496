"""Reading an issuer's ``PushUriRequest`` and writing the ``PushUriResponse``.

An issuer pushes URIs into residents' lockers, matched by Aadhaar number::

    <PushUriRequest ver="1.0" ts="2026-12-04T10:15:00+05:30" txn="…" orgId="…">
      <UriDetails>
        <Aadhaar>499118665246</Aadhaar>
        <URI>in.gov.mahahsscboard-HSCER-M240318</URI>
        <DocType>HSCER</DocType>
        <DocName>HSC Marksheet 2024</DocName>
        <DocId>M240318</DocId>
        <IssuedOn>28-05-2024</IssuedOn>
        <ValidFrom>28-05-2024</ValidFrom>
        <ValidTo></ValidTo>
        <Action>A</Action>
      </UriDetails>
    </PushUriRequest>

``Action`` is ``A`` (add), ``U`` (update) or ``D`` (delete). One request may
carry several ``UriDetails`` (at most ``MOST_PUSHED_URIS``). The body goes
through the SDK's hardened parser and is read by local name in the same
namespaces as the pull answers. Only the shape is checked here; what the
values mean (a valid Aadhaar number, the issuer's own URI) is the locker's to
decide.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date

from lxml import etree

from adapters.digilocker.errors import AnswerInvalid, AnswerProblem
from adapters.digilocker.protocol import timestamp
from adapters.digilocker.response import (
    child_text,
    children,
    expect_root,
    issuer_date,
)
from adapters.sdk import CertificateInvalid, safe_parse

MOST_PUSHED_URIS = 100
MOST_PUSH_BYTES = 256_000
MOST_TRANSACTION_ID_CHARACTERS = 64


class PushAction(enum.StrEnum):
    """What the issuer asks the locker to do with a URI."""

    ADD = "A"
    UPDATE = "U"
    DELETE = "D"


@dataclass(frozen=True)
class PushedUri:
    """One ``UriDetails`` as the issuer wrote it (the Aadhaar number unchecked)."""

    aadhaar: str
    uri: str
    doc_type: str
    name: str
    doc_id: str
    issued_on: date | None
    valid_from: date | None
    valid_to: date | None
    action: PushAction


@dataclass(frozen=True)
class PushRequest:
    """A parsed ``PushUriRequest``: its ``txn``, its ``ts`` as written, its URIs."""

    transaction_id: str
    timestamp: str
    uris: tuple[PushedUri, ...]


def read_push_request(body: bytes) -> PushRequest:
    """Parse ``body`` as a ``PushUriRequest``; ``AnswerInvalid`` when it is not one."""
    try:
        root = safe_parse(body, max_bytes=MOST_PUSH_BYTES)
    except CertificateInvalid as error:
        raise AnswerInvalid(AnswerProblem.XML, error.message) from None
    expect_root(root, "PushUriRequest")

    details = children(root, "UriDetails")
    if not details:
        raise AnswerInvalid(AnswerProblem.SHAPE, "PushUriRequest has no UriDetails")
    if len(details) > MOST_PUSHED_URIS:
        raise AnswerInvalid(
            AnswerProblem.SHAPE,
            f"PushUriRequest carries {len(details)} UriDetails; at most "
            f"{MOST_PUSHED_URIS} are accepted in one request",
        )

    transaction_id = (root.get("txn") or "").strip()
    if not transaction_id or len(transaction_id) > MOST_TRANSACTION_ID_CHARACTERS:
        raise AnswerInvalid(
            AnswerProblem.SHAPE,
            "PushUriRequest needs a txn of its own, at most "
            f"{MOST_TRANSACTION_ID_CHARACTERS} characters",
        )

    return PushRequest(
        transaction_id=transaction_id,
        timestamp=(root.get("ts") or "").strip()[:40],
        uris=tuple(
            _pushed_uri(element, position)
            for position, element in enumerate(details, 1)
        ),
    )


def push_response(
    transaction_id: str, problems: list[tuple[int, str, str]] | None = None
) -> bytes:
    """The ``PushUriResponse``: status 1, or 0 with each problem.

    ``problems`` are ``(position, code, message)``: the 1-based position of the
    ``UriDetails`` at fault (0 for the request as a whole), a stable code and
    a sentence for the issuer's operator.
    """
    root = etree.Element("PushUriResponse")
    status = etree.SubElement(
        root,
        "ResponseStatus",
        Status="0" if problems else "1",
        ts=timestamp(),
        txn=transaction_id,
    )
    status.text = status.get("Status")
    if problems:
        errors = etree.SubElement(root, "Errors")
        for position, code, message in problems:
            error = etree.SubElement(errors, "Error", position=str(position), code=code)
            error.text = message

    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def _pushed_uri(element: etree._Element, position: int) -> PushedUri:
    def required(name: str) -> str:
        value = child_text(element, name)
        if value is None:
            raise AnswerInvalid(
                AnswerProblem.SHAPE, f"UriDetails {position} has no {name}"
            )
        return value

    def optional_date(name: str) -> date | None:
        raw = child_text(element, name)
        parsed = issuer_date(raw)
        if raw is not None and parsed is None:
            raise AnswerInvalid(
                AnswerProblem.SHAPE,
                f"UriDetails {position}: {name} is not a date (DD-MM-YYYY)",
            )
        return parsed

    action = required("Action").upper()
    try:
        pushed_action = PushAction(action)
    except ValueError:
        raise AnswerInvalid(
            AnswerProblem.SHAPE,
            f"UriDetails {position}: Action must be A, U or D",
        ) from None

    return PushedUri(
        aadhaar=required("Aadhaar"),
        uri=required("URI"),
        doc_type=required("DocType"),
        name=child_text(element, "DocName") or "",
        doc_id=child_text(element, "DocId") or "",
        issued_on=optional_date("IssuedOn"),
        valid_from=optional_date("ValidFrom"),
        valid_to=optional_date("ValidTo"),
        action=pushed_action,
    )
