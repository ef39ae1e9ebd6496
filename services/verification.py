"""Checking a document someone was handed: its signature, then its status.

A university, an employer or a shopkeeper is handed a certificate XML or a PDF
rendition and wants to know whether to believe it. ``DocumentVerifier`` answers
with a ``Verdict`` and the reasons for it, in four steps:

1. what the file is, from its content alone: a PDF starts with ``%PDF-``,
   certificate XML with ``<``; the size is bounded, and XML is read only by
   the hardened parser (``adapters.sdk.schema.safe_parse``: no DTD, no
   entities, no network);
2. which document it claims to be: the ``uri`` attribute of the XML's
   ``Certificate``, or the Subject of the PDF's document information, where
   the locker's renderer writes the URI; the URI names the issuer;
3. whether the issuer signed it: the signature is checked against the
   certificate this locker holds for that issuer (``IssuerKeyStore``), never
   one the file carries, so a file signed by anybody else fails;
4. what the issuer says of the document now, asked through its adapter
   (by way of ``IssuerCalls``: timeout, retries, circuit breaker; never a
   stale copy): revoked, expired or suspended since it was issued, withdrawn
   from the issuer's records, or not known because the issuer did not answer.

A document is authentic when its signature is the issuer's and the issuer
reports it active now. A file that cannot be read at all (empty, too large,
neither PDF nor XML, malformed or hostile XML, a broken or encrypted PDF) is
refused with a ``LockerError``; everything else gets a verdict, however bad.

``verify_uri`` is what the QR code on a PDF leads to: it asks the issuer for
the status of a URI, and nothing more. A URI alone proves nothing about a
paper or a file, and it can be guessed (roll numbers run in sequence), so
that verdict is never ``authentic`` and never names the holder.

Both are meant for any caller: the public routes (``web/verify.py``) and,
later, requesters' GraphQL.
"""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass, field
from datetime import datetime
from io import BytesIO

import anyio
from pyhanko.pdf_utils.reader import PdfFileReader

from adapters.registry import AdapterRegistry
from adapters.sdk import (
    AdapterError,
    CertificateInvalid,
    DocumentStatus,
    DocumentUri,
    IssuerAdapter,
    RecordNotFound,
    safe_parse,
)
from adapters.sdk.schema import DEFAULT_MAX_BYTES as MAX_XML_BYTES
from services.clock import Clock
from services.documents.errors import SignatureInvalid
from services.documents.keys import IssuerKeyStore
from services.documents.pdf_signing import verify_pdf
from services.documents.xml_signing import verify_certificate
from services.errors import (
    EmptyFile,
    FileDamaged,
    FileEncrypted,
    FileTooLarge,
    InvalidUri,
    UnsupportedFileType,
)
from services.issuers import CallPolicy, IssuerCalls

logger = logging.getLogger(__name__)

MAX_FILE_BYTES = 10 * 1024 * 1024
"""Largest file accepted for a check. A rendition with a photograph is well
under 1 MB; 10 MiB matches residents' own uploads."""

ISSUER_TIMEOUT_SECONDS = 10.0
"""How long asking an issuer for a document's status may take in all, retries
included, before the verdict says it could not be reached."""

_PDF_SIGNATURE = b"%PDF-"
_UTF8_BOM = b"\xef\xbb\xbf"
# Whitespace may come before an XML document's first "<"; this much is plenty.
_XML_LEAD = 1024
_URI_MAX = 256
_STATUS_REASONS = {
    DocumentStatus.EXPIRED: "The issuer reports that this document has expired.",
    DocumentStatus.REVOKED: "The issuer has revoked this document; it is no "
    "longer valid.",
    DocumentStatus.SUSPENDED: "The issuer has suspended this document; it is "
    "not valid while suspended.",
}
_URI_ONLY = (
    "Only the document's reference was checked: to check that a file is the "
    "one its issuer signed, send the file itself."
)


class _Kind(enum.Enum):
    XML = "certificate XML"
    PDF = "PDF"


@dataclass(frozen=True)
class Verdict:
    """The answer to "can I believe this document?".

    ``authentic`` is the bottom line: the issuer signed this file and reports
    the document active now. ``signature_valid`` is None when the signature
    was not checked (a URI only, or no issuer to check it against).
    ``status`` is the issuer's current status by name (``ACTIVE``,
    ``REVOKED``, ``EXPIRED``, ``SUSPENDED``), None when the issuer was not
    asked or did not answer. ``holder_name`` is the holder as the issuer's
    record names them, given only to someone holding a file the issuer
    signed. ``reasons`` explains the verdict in sentences, one per check.
    """

    authentic: bool
    signature_valid: bool | None
    status: str | None
    uri: str | None
    issuer_id: str | None
    issuer_name: str | None
    doc_type: str | None
    holder_name: str | None
    checked_at: datetime
    reasons: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Standing:
    """What the issuer says of a document now."""

    status: DocumentStatus | None
    holder_name: str | None
    reasons: list[str]


class DocumentVerifier:
    """Checks documents against their issuers' certificates and records.

    ``registry`` says which issuers exist, ``keystore`` holds the
    certificate each signs with. Files over ``max_bytes`` are refused; an
    issuer slower than ``issuer_timeout_seconds`` (or its adapter's own
    ``call_timeout_seconds``) counts as unreachable. ``issuer_calls`` is the
    process's shared one, so that the verifier and the locker see the same
    circuits.
    """

    def __init__(
        self,
        registry: AdapterRegistry,
        keystore: IssuerKeyStore,
        clock: Clock,
        *,
        max_bytes: int = MAX_FILE_BYTES,
        issuer_timeout_seconds: float = ISSUER_TIMEOUT_SECONDS,
        issuer_calls: IssuerCalls | None = None,
    ) -> None:
        self.registry = registry
        self.keystore = keystore
        self.clock = clock
        self.max_bytes = max_bytes
        self.issuer_timeout_seconds = issuer_timeout_seconds
        self.issuer_calls = issuer_calls or IssuerCalls(CallPolicy(), clock)

    async def verify_file(self, data: bytes) -> Verdict:
        """Check a certificate XML or PDF rendition; see the module docstring.

        Raises ``EmptyFile``, ``FileTooLarge``, ``UnsupportedFileType``,
        ``FileDamaged`` or ``FileEncrypted`` for a file it cannot read.
        """
        kind = _kind_of(data, self.max_bytes)
        claimed = await anyio.to_thread.run_sync(_claimed_uri, kind, data)
        uri = _parse_uri(claimed)
        if uri is None:
            return self._verdict(
                reasons=[
                    f"The {kind.value} names no document of this locker (it has "
                    "no document URI), so its issuer and signature cannot be "
                    "checked."
                ]
            )
        adapter = self.registry.get(uri.issuer_id)
        if adapter is None:
            return self._verdict(uri=uri, reasons=[_unknown_issuer(uri)])

        certificate = await anyio.to_thread.run_sync(self._certificate_pem, adapter)
        problems = await anyio.to_thread.run_sync(
            _signature_problems, kind, data, certificate, str(uri)
        )
        if problems:
            logger.debug(
                "A %s failed its signature check",
                kind.value,
                extra={"issuer_id": adapter.issuer_id},
            )
            return self._verdict(
                uri=uri, adapter=adapter, signature_valid=False, reasons=problems
            )

        standing = await self._standing(adapter, str(uri))
        signed = f"The file is signed with {adapter.name}'s certificate and unchanged."
        return self._verdict(
            uri=uri,
            adapter=adapter,
            signature_valid=True,
            standing=standing,
            reasons=[signed, *standing.reasons],
        )

    async def verify_uri(self, uri: str) -> Verdict:
        """The issuer's current status of ``uri``, without any file.

        Never ``authentic`` and never names the holder: see the module
        docstring. Raises ``InvalidUri`` when ``uri`` is not a document URI.
        """
        parsed = _parse_uri(uri if len(uri) <= _URI_MAX else None)
        if parsed is None:
            raise InvalidUri(
                "This is not a document URI (IssuerId-DocType-DocId); check the "
                "address, or scan the code on the document again.",
                field="uri",
            )
        adapter = self.registry.get(parsed.issuer_id)
        if adapter is None:
            return self._verdict(uri=parsed, reasons=[_unknown_issuer(parsed)])

        standing = await self._standing(adapter, str(parsed))
        return self._verdict(
            uri=parsed,
            adapter=adapter,
            standing=_Standing(standing.status, None, standing.reasons),
            reasons=[*standing.reasons, _URI_ONLY],
        )

    def _certificate_pem(self, adapter: IssuerAdapter) -> bytes:
        # Blocking: the first call for an issuer reads (or, in development,
        # makes) its key files.
        return self.keystore.key_for(adapter.issuer_id, adapter.name).certificate_pem

    async def _standing(self, adapter: IssuerAdapter, uri: str) -> _Standing:
        try:
            with anyio.fail_after(self.issuer_timeout_seconds):
                document = await self.issuer_calls.fetch(adapter, uri)
        except RecordNotFound:
            return _Standing(
                None,
                None,
                [
                    f"{adapter.name} has no record of this document any more; it "
                    "may have been withdrawn or replaced."
                ],
            )
        except (AdapterError, TimeoutError) as error:
            logger.warning(
                "An issuer did not state a document's status: %s",
                getattr(error, "code", "TIMEOUT"),
                extra={"issuer_id": adapter.issuer_id},
            )
            return _Standing(
                None,
                None,
                [
                    f"{adapter.name} could not be reached to confirm the "
                    "document's current status; try again later."
                ],
            )

        status = document.status
        stated = _STATUS_REASONS.get(
            status, f"{adapter.name} reports this document as active."
        )
        return _Standing(status, document.issued_to.name, [stated])

    def _verdict(
        self,
        *,
        reasons: list[str],
        uri: DocumentUri | None = None,
        adapter: IssuerAdapter | None = None,
        signature_valid: bool | None = None,
        standing: _Standing | None = None,
    ) -> Verdict:
        status = standing.status if standing is not None else None
        return Verdict(
            authentic=bool(signature_valid) and status is DocumentStatus.ACTIVE,
            signature_valid=signature_valid,
            status=status.name if status is not None else None,
            uri=str(uri) if uri is not None else None,
            issuer_id=uri.issuer_id if uri is not None else None,
            issuer_name=adapter.name if adapter is not None else None,
            doc_type=uri.doc_type if uri is not None else None,
            holder_name=standing.holder_name if standing is not None else None,
            checked_at=self.clock.now(),
            reasons=reasons,
        )


def _kind_of(data: bytes, max_bytes: int) -> _Kind:
    if not data:
        raise EmptyFile(
            "The file is empty; send the certificate XML or the PDF itself."
        )
    if len(data) > max_bytes:
        raise FileTooLarge(
            f"The file is over {max_bytes:,} bytes; a document issued through "
            "the locker is far smaller, so this is not one."
        )
    if data.startswith(_PDF_SIGNATURE):
        return _Kind.PDF

    lead = data[:_XML_LEAD].removeprefix(_UTF8_BOM).lstrip()
    if not lead.startswith(b"<"):
        raise UnsupportedFileType(
            "Only a certificate XML or a PDF issued through the locker can be "
            "checked; this file is neither."
        )
    if len(data) > MAX_XML_BYTES:
        raise FileTooLarge(
            f"The XML is over {MAX_XML_BYTES:,} bytes; a certificate issued "
            "through the locker is far smaller, so this is not one."
        )
    return _Kind.XML


def _claimed_uri(kind: _Kind, data: bytes) -> str | None:
    """The URI the file says it is, before anything about it is believed."""
    if kind is _Kind.XML:
        try:
            root = safe_parse(data)
        except CertificateInvalid as error:
            raise FileDamaged(f"The XML cannot be read: {error.message}") from None
        if root.tag != "Certificate":
            raise UnsupportedFileType(
                "The XML is not a certificate (its root element is not "
                "Certificate); send the certificate XML issued through the locker."
            )
        return root.get("uri")

    try:
        reader = PdfFileReader(BytesIO(data))
        encrypted = reader.encrypted
        subject = None if encrypted else reader.document_meta_view.subject
    except Exception as error:
        # pyHanko can raise almost anything on a hostile file; its decoding
        # is bounded (64 MiB a stream), so reading it costs little.
        logger.debug("An unreadable PDF was refused: %s", type(error).__name__)
        raise FileDamaged(
            "The PDF is damaged or incomplete and does not open; ask for the "
            "file again."
        ) from None
    if encrypted:
        raise FileEncrypted(
            "The PDF is password-protected, so it is not the file the issuer "
            "signed; ask for the file as the locker gave it."
        )
    return str(subject) if subject is not None else None


def _parse_uri(claimed: str | None) -> DocumentUri | None:
    if not claimed:
        return None
    try:
        return DocumentUri.parse(claimed)
    except ValueError:
        return None


def _signature_problems(
    kind: _Kind, data: bytes, certificate_pem: bytes, uri: str
) -> list[str]:
    """Why the file is not the issuer's signed ``uri``; empty when it is."""
    if kind is _Kind.PDF:
        verification = verify_pdf(data, certificate_pem)
        if verification.valid:
            return []
        return verification.reasons or ["The PDF's signature is not the issuer's."]

    try:
        signed = verify_certificate(data, certificate_pem)
    except SignatureInvalid as error:
        return [error.message]
    if signed.get("uri") != uri:
        return ["The signature does not cover the document's URI."]
    return []


def _unknown_issuer(uri: DocumentUri) -> str:
    return (
        f"No issuer with the id {uri.issuer_id} serves this locker, so the "
        "document cannot be checked."
    )
