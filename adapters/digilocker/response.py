"""Reading an issuer's ``PullURIResponse`` or ``PullDocResponse``.

The body goes through the SDK's hardened parser (``safe_parse``: no DTD, so
no entities of any kind, no network, no huge trees, a size bound), then the
shape is read by local name, in any of the namespaces issuers are seen using:
none at all, ``http://tempuri.org/``, or the published v1 issuer schema's::

    <PullURIResponse xmlns:ns2="http://tempuri.org/">
      <ResponseStatus Status="1" ts="…" txn="…">1</ResponseStatus>
      <DocDetails>
        <IssuedTo><Persons><Person name="…" dob="DD-MM-YYYY" gender="F"/></Persons>
        </IssuedTo>
        <URI>in.gov.mahahsscboard-HSCER-M240318</URI>
        <DocContent>base64 PDF</DocContent>
        <DataContent>base64 certificate XML</DataContent>
      </DocDetails>
    </PullURIResponse>

``Status`` is read from the attribute, or from the element's text when an
issuer writes it there. An element that appears twice where one is expected is
refused rather than guessed at.
"""

from __future__ import annotations

import base64
import binascii
import enum
import re
from dataclasses import dataclass
from datetime import date, datetime

from lxml import etree

from adapters.digilocker.config import DIGILOCKER_V1_NAMESPACE, TEMPURI_NAMESPACE
from adapters.digilocker.errors import AnswerInvalid, AnswerProblem
from adapters.sdk import CertificateInvalid, Gender, safe_parse

ACCEPTED_NAMESPACES = frozenset(
    {
        None,
        TEMPURI_NAMESPACE,
        *(
            DIGILOCKER_V1_NAMESPACE + message
            for message in (
                "pullurirequest",
                "pulluriresponse",
                "pulldocrequest",
                "pulldocresponse",
                "pushurirequest",
                "pushuriresponse",
            )
        ),
    }
)
_DATE_FORMS = ("%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d")
_WHITESPACE = re.compile(rb"\s+")


class PullStatus(enum.IntEnum):
    """``ResponseStatus/@Status``."""

    NOT_FOUND = 0
    FOUND = 1
    PENDING = 9


@dataclass(frozen=True)
class IssuerPerson:
    """A holder as ``IssuedTo/Persons/Person`` names them."""

    name: str
    dob: date | None
    gender: Gender | None


@dataclass(frozen=True)
class PullAnswer:
    """What an issuer answered, checked for shape but not yet for meaning.

    ``data_content`` and ``doc_content`` are the decoded bytes, exactly as the
    issuer encoded them.
    """

    status: PullStatus
    transaction_id: str | None
    uri: str | None
    persons: tuple[IssuerPerson, ...]
    data_content: bytes | None
    doc_content: bytes | None


def read_answer(body: bytes, message: str, *, max_bytes: int) -> PullAnswer:
    """Parse ``body`` as the answer ``message`` (``PullURIResponse``, ...).

    Raises ``AnswerInvalid`` for XML the hardened parser refuses and for any
    shape other than the expected one.
    """
    try:
        root = safe_parse(body, max_bytes=max_bytes)
    except CertificateInvalid as error:
        raise AnswerInvalid(AnswerProblem.XML, error.message) from None
    expect_root(root, message)

    status_element = child(root, "ResponseStatus")
    if status_element is None:
        raise AnswerInvalid(AnswerProblem.SHAPE, f"{message} has no ResponseStatus")
    status = _status(status_element)
    details = child(root, "DocDetails")

    return PullAnswer(
        status=status,
        transaction_id=status_element.get("txn"),
        uri=child_text(details, "URI"),
        persons=_persons(details),
        data_content=_base64(details, "DataContent"),
        doc_content=_base64(details, "DocContent"),
    )


def issuer_date(value: str | None) -> date | None:
    """A date as issuers write it (DD-MM-YYYY mostly); None when empty or unreadable."""
    text = (value or "").strip()
    for form in _DATE_FORMS:
        try:
            return datetime.strptime(text, form).date()
        except ValueError:
            continue
    return None


def issuer_gender(value: str | None) -> Gender | None:
    """``M``/``F``/``T``, or a word starting with one of them; else None."""
    letter = (value or "").strip()[:1].upper()
    return Gender(letter) if letter in {"M", "F", "T"} else None


def expect_root(root: etree._Element, message: str) -> None:
    name = etree.QName(root)
    if name.localname != message or name.namespace not in ACCEPTED_NAMESPACES:
        raise AnswerInvalid(
            AnswerProblem.SHAPE,
            f"expected {message}, got {name.localname} in namespace "
            f"{name.namespace or '(none)'}",
        )


def children(parent: etree._Element, localname: str) -> list[etree._Element]:
    found = []
    for child in parent:
        if not isinstance(child.tag, str):
            continue  # comments and processing instructions
        name = etree.QName(child)
        if name.localname == localname and name.namespace in ACCEPTED_NAMESPACES:
            found.append(child)
    return found


def child(parent: etree._Element | None, localname: str) -> etree._Element | None:
    if parent is None:
        return None
    found = children(parent, localname)
    if len(found) > 1:
        raise AnswerInvalid(
            AnswerProblem.SHAPE, f"{localname} appears {len(found)} times"
        )
    return found[0] if found else None


def child_text(parent: etree._Element | None, localname: str) -> str | None:
    element = child(parent, localname)
    if element is None:
        return None
    text = (element.text or "").strip()
    return text or None


def _status(element: etree._Element) -> PullStatus:
    raw = (element.get("Status") or element.text or "").strip()
    try:
        return PullStatus(int(raw))
    except ValueError:
        raise AnswerInvalid(
            AnswerProblem.SHAPE, f"ResponseStatus {raw[:20]!r} is not 0, 1 or 9"
        ) from None


def _persons(details: etree._Element | None) -> tuple[IssuerPerson, ...]:
    persons = child(child(details, "IssuedTo"), "Persons")
    if persons is None:
        return ()
    return tuple(
        IssuerPerson(
            name=(person.get("name") or "").strip(),
            dob=issuer_date(person.get("dob")),
            gender=issuer_gender(person.get("gender")),
        )
        for person in children(persons, "Person")
        if (person.get("name") or "").strip()
    )


def _base64(details: etree._Element | None, localname: str) -> bytes | None:
    text = child_text(details, localname)
    if text is None:
        return None
    # Issuers' encoders often wrap base64 in lines; the alphabet is checked.
    compact = _WHITESPACE.sub(b"", text.encode("ascii", errors="replace"))
    try:
        return base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        raise AnswerInvalid(AnswerProblem.SHAPE, f"{localname} is not base64") from None
