"""A DigiLocker-protocol issuer for tests: a state board's Pull URI API on 127.0.0.1.

It plays the Maharashtra State Board of Secondary and Higher Secondary
Education (invented records, invented people) as an issuer that already
serves DigiLocker would: ``POST /pulluri`` answers ``PullURIRequest`` and
``POST /pulldoc`` answers ``PullDocRequest``, each only after checking the
``x-digilocker-hmac`` header (either base64 reading) and the ``keyhash``
attribute against its API key; a request that fails either gets HTTP 401.

Tests steer it between requests: the namespace style of its answers, a
signing key for ``DataContent``, a raw body to answer with instead, a stall
(it holds the request until the test ends), a flood of bytes. It records
what it received, so tests can check what the adapter sent.

It is written independently of the adapter's own protocol module, so that a
mistake there cannot hide behind the same mistake here.
"""

from __future__ import annotations

import base64
import datetime
import enum
import hashlib
import hmac
import socket
import threading
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import anyio
import uvicorn
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from lxml import etree
from signxml.algorithms import DigestAlgorithm, SignatureMethod
from signxml.signer import XMLSigner
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from tests.adapters.digilocker.records import (
    BOARD,
    RECORDS,
    Marksheet,
    marksheet_certificate,
)

API_KEY = "msbshse-7f3c9a1e5b2d4c86a0e1f9b7"
ORG_ID = "openlocker-test"
TEMPURI = "http://tempuri.org/"
DIGILOCKER_V1 = "https://www.digitallocker.gov.in/schema/issuer/v1/"
STARTUP_SECONDS = 10


class AnswerStyle(enum.Enum):
    """How the issuer writes namespaces in its answers."""

    # The prefix declared on the root, elements unqualified (DigiLocker's own).
    UNQUALIFIED = "unqualified"
    # Every element qualified with ns2 = http://tempuri.org/.
    TEMPURI = "tempuri"
    # Every element in the v1 issuer schema's namespace, as the default.
    DIGILOCKER_V1 = "digilocker-v1"


@dataclass(frozen=True)
class Received:
    """One request as the issuer read it."""

    message: str
    namespace: str | None
    declared_namespaces: tuple[str, ...]
    attributes: dict[str, str]
    details: dict[str, str]
    hmac_header: str
    hmac_valid: bool
    keyhash_valid: bool


class LegacySha1Signer(XMLSigner):
    """Signs with RSA-SHA1, as some real DigiLocker files are signed.

    signxml refuses SHA-1 unless this check is switched off, which its
    documentation names as the way to produce such signatures.
    """

    def check_deprecated_methods(self) -> None:
        return None


@dataclass(frozen=True)
class SigningIdentity:
    """The board's signing key and its self-signed certificate."""

    key: rsa.RSAPrivateKey
    certificate: x509.Certificate


@dataclass(frozen=True)
class PushEntry:
    """One URI the board pushes: whose (by Aadhaar) and what to do (A, U, D)."""

    record: Marksheet
    aadhaar: str
    action: str = "A"
    name: str = ""


@dataclass
class BoardService:
    """The board's Pull URI service; change its fields between requests.

    A withheld (``pending``) result answers status 9 until its URI is in
    ``released``; ``push_request`` writes the push the board then sends.
    """

    api_key: str = API_KEY
    style: AnswerStyle = AnswerStyle.UNQUALIFIED
    signer: SigningIdentity | None = None
    legacy_sha1: bool = False
    format_both: bool = False
    raw_answer: bytes | None = None
    certificate_override: bytes | None = None
    uri_override: str | None = None
    txn_override: str | None = None
    stall: bool = False
    trickle: bool = False
    flood_bytes: int = 0
    flood_declares_length: bool = False
    received: list[Received] = field(default_factory=list)
    external_entity_hits: int = 0
    sent_certificates: list[bytes] = field(default_factory=list)
    released: set[str] = field(default_factory=set)
    _released: threading.Event = field(default_factory=threading.Event)

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/pulluri", self._pull_uri, methods=["POST"]),
                Route("/pulldoc", self._pull_doc, methods=["POST"]),
                Route("/entity", self._entity, methods=["GET"]),
            ]
        )

    def release(self) -> None:
        """End any stalled request (at teardown)."""
        self._released.set()

    async def _pull_uri(self, request: Request) -> Response:
        return await self._answer(request, "PullURIRequest")

    async def _pull_doc(self, request: Request) -> Response:
        return await self._answer(request, "PullDocRequest")

    async def _entity(self, request: Request) -> Response:
        self.external_entity_hits += 1
        return Response("1", media_type="text/plain")

    async def _answer(self, request: Request, message: str) -> Response:
        body = await request.body()
        received = self._read(body, request.headers.get("x-digilocker-hmac", ""))
        self.received.append(received)
        if not (received.hmac_valid and received.keyhash_valid):
            return Response("HMAC or keyhash mismatch", status_code=401)
        if received.message != message:
            return Response("unexpected message", status_code=400)

        if self.stall:
            await anyio.to_thread.run_sync(self._released.wait)
        if self.flood_bytes:
            return self._flood()
        if self.trickle:
            return self._trickle()
        if self.raw_answer is not None:
            return _xml(self.raw_answer)
        if message == "PullURIRequest":
            return _xml(self._pull_uri_answer(received))
        return _xml(self._pull_doc_answer(received))

    def _read(self, body: bytes, header: str) -> Received:
        parser = etree.XMLParser(resolve_entities=False, no_network=True)
        root = etree.fromstring(body, parser)
        name = etree.QName(root)
        attributes = {str(key): str(value) for key, value in root.attrib.items()}
        details_element = next(iter(root))
        details = {
            etree.QName(child).localname: child.text or "" for child in details_element
        }
        digest = hmac.new(self.api_key.encode(), body, hashlib.sha256).digest()
        accepted = (
            base64.b64encode(digest).decode(),
            base64.b64encode(digest.hex().encode()).decode(),
        )
        expected_keyhash = hashlib.sha256(
            (self.api_key + attributes.get("ts", "")).encode()
        ).hexdigest()
        return Received(
            message=name.localname,
            namespace=name.namespace,
            declared_namespaces=tuple(str(uri) for uri in root.nsmap.values()),
            attributes=attributes,
            details=details,
            hmac_header=header,
            hmac_valid=any(hmac.compare_digest(header, value) for value in accepted),
            keyhash_valid=hmac.compare_digest(
                attributes.get("keyhash", ""), expected_keyhash
            ),
        )

    def _pull_uri_answer(self, received: Received) -> bytes:
        record = _find(received.details)
        if record is None:
            return self._envelope("PullURIResponse", received, status="0")
        if record.pending and record.uri not in self.released:
            return self._envelope("PullURIResponse", received, status="9")
        return self._envelope("PullURIResponse", received, status="1", record=record)

    def _pull_doc_answer(self, received: Received) -> bytes:
        uri = received.details.get("URI", "")
        record = next(
            (
                r
                for r in RECORDS
                if r.uri == uri and (not r.pending or r.uri in self.released)
            ),
            None,
        )
        if record is None:
            return self._envelope("PullDocResponse", received, status="0")
        return self._envelope("PullDocResponse", received, status="1", record=record)

    def _envelope(
        self,
        message: str,
        received: Received,
        *,
        status: str,
        record: Marksheet | None = None,
    ) -> bytes:
        qualify, nsmap = self._namespaces(message)
        root = etree.Element(qualify(message), nsmap=nsmap)
        response_status = etree.SubElement(root, qualify("ResponseStatus"))
        response_status.set("Status", status)
        response_status.set("ts", received.attributes.get("ts", ""))
        response_status.set(
            "txn", self.txn_override or received.attributes.get("txn", "")
        )
        response_status.text = status
        details = etree.SubElement(root, qualify("DocDetails"))
        if record is not None:
            self._fill_details(details, qualify, message, record)
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8")

    def _fill_details(
        self, details: etree._Element, qualify: Any, message: str, record: Marksheet
    ) -> None:
        if message == "PullURIResponse":
            issued_to = etree.SubElement(details, qualify("IssuedTo"))
            persons = etree.SubElement(issued_to, qualify("Persons"))
            person = etree.SubElement(persons, qualify("Person"))
            person.set("name", record.name)
            person.set("dob", record.dob)
            person.set("gender", record.gender)
            etree.SubElement(details, qualify("URI")).text = (
                self.uri_override or record.uri
            )
        certificate = self.certificate_override or self.certificate_of(record)
        self.sent_certificates.append(certificate)
        if self.format_both:
            etree.SubElement(details, qualify("DocContent")).text = _wrapped_base64(
                b"%PDF-1.7\n% the board's own marksheet rendition\n%%EOF\n"
            )
        etree.SubElement(details, qualify("DataContent")).text = _wrapped_base64(
            certificate
        )

    def push_request(
        self,
        *entries: PushEntry,
        sent_at: datetime.datetime | None = None,
        api_key: str | None = None,
    ) -> tuple[bytes, dict[str, str]]:
        """A ``PushUriRequest`` for ``entries`` and its signed headers."""
        moment = sent_at or datetime.datetime.now(datetime.UTC)
        india = datetime.timezone(datetime.timedelta(hours=5, minutes=30))
        root = etree.Element(
            "PushUriRequest",
            ver="1.0",
            ts=moment.astimezone(india).strftime("%Y-%m-%dT%H:%M:%S+05:30"),
            txn=f"MSB-PUSH-{uuid.uuid4().hex[:16]}",
            orgId=ORG_ID,
        )
        for entry in entries:
            details = etree.SubElement(root, "UriDetails")
            values = {
                "Aadhaar": entry.aadhaar,
                "URI": entry.record.uri,
                "DocType": entry.record.doc_type,
                "DocName": entry.name or f"HSC Marksheet {entry.record.year}",
                "DocId": entry.record.seat_number + entry.record.year,
                "IssuedOn": "28-05-" + entry.record.year,
                "ValidFrom": "28-05-" + entry.record.year,
                "ValidTo": "",
                "Action": entry.action,
            }
            for tag, value in values.items():
                etree.SubElement(details, tag).text = value
        body = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
        digest = hmac.new(
            (api_key or self.api_key).encode(), body, hashlib.sha256
        ).digest()
        headers = {
            "Content-Type": "application/xml",
            "x-digilocker-hmac": base64.b64encode(digest).decode(),
        }
        return body, headers

    def certificate_of(self, record: Marksheet) -> bytes:
        """The board's certificate XML for ``record``, signed when a signer is set."""
        root = marksheet_certificate(record)
        if self.signer is None:
            return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
        signer = (
            LegacySha1Signer(
                signature_algorithm=SignatureMethod.RSA_SHA1,
                digest_algorithm=DigestAlgorithm.SHA1,
            )
            if self.legacy_sha1
            else XMLSigner()
        )
        signed = signer.sign(root, key=self.signer.key, cert=[self.signer.certificate])
        return etree.tostring(signed, xml_declaration=True, encoding="UTF-8")

    def _namespaces(self, message: str) -> tuple[Any, dict[Any, str]]:
        # lxml's stubs leave out None, the key of a default namespace.
        if self.style is AnswerStyle.TEMPURI:
            return (lambda tag: f"{{{TEMPURI}}}{tag}"), {"ns2": TEMPURI}
        if self.style is AnswerStyle.DIGILOCKER_V1:
            namespace = DIGILOCKER_V1 + message.lower()
            return (lambda tag: f"{{{namespace}}}{tag}"), {None: namespace}
        return (lambda tag: tag), {"ns2": TEMPURI}

    def _flood(self) -> Response:
        filler = b"<Filler>" + b"x" * 65_000 + b"</Filler>"
        count = self.flood_bytes // len(filler) + 1
        if self.flood_declares_length:
            return _xml(filler * count)

        async def chunks() -> AsyncIterator[bytes]:
            yield b'<?xml version="1.0"?><PullURIResponse>'
            for _ in range(count):
                yield filler

        return StreamingResponse(chunks(), media_type="application/xml")

    def _trickle(self) -> Response:
        # One byte at a time, never finishing: each read is quick, the whole
        # answer never comes.
        async def chunks() -> AsyncIterator[bytes]:
            yield b'<?xml version="1.0"?>'
            while not self._released.is_set():
                await anyio.sleep(0.05)
                yield b" "

        return StreamingResponse(chunks(), media_type="application/xml")


def new_signing_identity(common_name: str = BOARD[:60]) -> SigningIdentity:
    """A fresh RSA key and a self-signed certificate valid around today."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=365))
        .sign(key, hashes.SHA256())
    )
    return SigningIdentity(key=key, certificate=certificate)


@contextmanager
def serving(issuer: BoardService) -> Iterator[str]:
    """Serve ``issuer`` on a free port of 127.0.0.1; its base URL for the block."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        issuer.app(), log_level="warning", lifespan="off", ws="none", http="h11"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]})
    thread.start()
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the test issuer did not start")
            time.sleep(0.01)
        yield f"http://127.0.0.1:{port}"
    finally:
        issuer.release()
        server.should_exit = True
        thread.join(STARTUP_SECONDS)
        sock.close()


def _find(details: dict[str, str]) -> Marksheet | None:
    doc_type = details.get("DocType")
    seat = details.get("SeatNo")
    for record in RECORDS:
        if record.doc_type != doc_type or record.seat_number != seat:
            continue
        if doc_type == "HSCER" and details.get("Year") == record.year:
            return record
        if doc_type == "SSCER" and details.get("BirthDate") == record.dob:
            return record
    return None


def _wrapped_base64(data: bytes) -> str:
    # Java and .NET encoders wrap base64 at 76 characters; so does this board.
    return base64.encodebytes(data).decode("ascii")


def _xml(body: bytes) -> Response:
    return Response(body, media_type="application/xml")
