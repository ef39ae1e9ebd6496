"""One configured issuer's Pull URI API, as the adapter's ``find`` and ``fetch``.

``PullUriClient`` does the work; ``adapters.digilocker.adapter`` wraps it in
an ``IssuerAdapter``. Each call builds and signs a request
(``protocol``), sends it (``transport``), reads the answer (``response``),
checks what the answer claims, and translates the certificate XML
(``signature``, ``certificate``). Statuses map to the SDK's errors:

    1  found        the URI and holder (find), the document (fetch)
    0  not found    ``RecordNotFound``
    9  pending      ``PullPending``: the issuer will push the document later

Every refusal of an answer (bad XML, wrong shape, a ``txn`` that is not ours,
a URI of another issuer or doc type, a signature that does not verify, an
answer too large, credentials refused) is logged for the operator with the
issuer id and reason, never document content, and reaches the resident as
``IssuerAnswerRefused``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta

from cryptography import x509

from adapters.digilocker import protocol, transport
from adapters.digilocker.certificate import (
    DigiLockerDocument,
    IssuerOriginal,
    standard_document,
)
from adapters.digilocker.config import DigiLockerIssuerConfig, IssuerDocType
from adapters.digilocker.errors import (
    AnswerInvalid,
    AnswerProblem,
    IssuerAnswerRefused,
    NotServedByUri,
    PullPending,
)
from adapters.digilocker.recent import RecentDocuments
from adapters.digilocker.response import PullAnswer, PullStatus, read_answer
from adapters.digilocker.signature import read_certificate
from adapters.sdk import (
    DocTypeSpec,
    DocumentUri,
    FindResult,
    Holder,
    Identity,
    Organization,
    RecordNotFound,
    names_match,
)

logger = logging.getLogger(__name__)

RECENT_CAPACITY = 512
RECENT_LIFETIME = timedelta(minutes=15)


class PullUriClient:
    """Finds and fetches documents at one issuer configured by ``config``.

    Built once per issuer and shared by every request. ``now`` is the clock
    for the documents kept between ``find`` and ``fetch`` and for
    ``fetched_at``.
    """

    def __init__(
        self,
        config: DigiLockerIssuerConfig,
        *,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        self.config = config
        self.organization = Organization(
            name=config.name,
            code=config.organization_code,
            type=config.organization_type,
        )
        self.doc_types: tuple[DocTypeSpec, ...] = tuple(
            doc_type.spec() for doc_type in config.doc_types
        )
        self._trusted = (
            x509.load_pem_x509_certificate(config.certificate_pem.encode())
            if config.certificate_pem is not None
            else None
        )
        self._now = now or _utc_now
        self._recent = RecentDocuments(
            capacity=RECENT_CAPACITY, lifetime=RECENT_LIFETIME, now=self._now
        )

    async def find(
        self, doc_type: str, lookup: Mapping[str, str], identity: Identity
    ) -> FindResult:
        """Send ``PullURIRequest`` with the validated lookup values."""
        try:
            return await self._find(self.config.doc_type(doc_type), lookup, identity)
        except AnswerInvalid as error:
            raise self._refused(error) from None

    async def fetch(self, uri: str) -> DigiLockerDocument:
        """Send ``PullDocRequest`` where configured; else answer what ``find`` got."""
        doc_type = self.config.doc_type(DocumentUri.parse(uri).doc_type)
        url = self.config.pull_doc_url
        if url is None:
            return self._recently_found(uri)
        try:
            return await self._pull_doc(url, uri, doc_type)
        except AnswerInvalid as error:
            raise self._refused(error) from None

    async def _find(
        self, doc_type: IssuerDocType, lookup: Mapping[str, str], identity: Identity
    ) -> FindResult:
        request = protocol.pull_uri_request(self.config, doc_type, lookup, identity)
        answer = await self._exchange(
            self.config.pull_uri_url, request, "PullURIResponse"
        )

        uri = self._own_uri(answer.uri, doc_type)
        document = None
        if answer.data_content is not None:
            document = self._document(answer, uri, doc_type)
            self._recent.keep(document)
        holder = _holder(answer, document, identity)

        return FindResult(uri=uri, holder=holder)

    async def _pull_doc(
        self, url: str, uri: str, doc_type: IssuerDocType
    ) -> DigiLockerDocument:
        request = protocol.pull_doc_request(self.config, uri)
        try:
            answer = await self._exchange(url, request, "PullDocResponse")
        except RecordNotFound:
            raise RecordNotFound(
                f"{self.config.name} no longer has this document; it may have "
                "been withdrawn."
            ) from None
        if answer.uri is not None and answer.uri != uri:
            raise AnswerInvalid(
                AnswerProblem.FOREIGN_URI, "PullDocResponse names another URI"
            )

        return self._document(answer, uri, doc_type)

    async def _exchange(
        self, url: str, request: protocol.SignedRequest, message: str
    ) -> PullAnswer:
        body = await transport.post(self.config, url, request)
        answer = read_answer(body, message, max_bytes=self.config.max_response_bytes)
        if answer.transaction_id and answer.transaction_id != request.transaction_id:
            raise AnswerInvalid(
                AnswerProblem.TRANSACTION, f"{message} echoes another txn"
            )

        if answer.status is PullStatus.NOT_FOUND:
            raise RecordNotFound(
                f"{self.config.name} has no record for these details. Check them "
                "against your certificate and try again."
            )
        if answer.status is PullStatus.PENDING:
            logger.info(
                "Issuer %s will send transaction %s later",
                self.config.issuer_id,
                request.transaction_id,
            )
            raise PullPending(
                f"{self.config.name} is preparing this document and will send it "
                "to the locker; look for it again later.",
                transaction_id=request.transaction_id,
            )
        return answer

    def _own_uri(self, uri: str | None, doc_type: IssuerDocType) -> str:
        if uri is None:
            raise AnswerInvalid(AnswerProblem.SHAPE, "status 1 without a URI")
        try:
            parsed = DocumentUri.parse(uri)
        except ValueError:
            raise AnswerInvalid(AnswerProblem.SHAPE, "the URI is malformed") from None
        if (
            parsed.issuer_id != self.config.issuer_id
            or parsed.doc_type != doc_type.code
        ):
            # An issuer may only hand out its own documents of the asked type.
            raise AnswerInvalid(
                AnswerProblem.FOREIGN_URI,
                f"URI of {parsed.issuer_id} {parsed.doc_type}, asked for "
                f"{self.config.issuer_id} {doc_type.code}",
            )
        return str(parsed)

    def _document(
        self, answer: PullAnswer, uri: str, doc_type: IssuerDocType
    ) -> DigiLockerDocument:
        if answer.data_content is None:
            raise AnswerInvalid(AnswerProblem.SHAPE, "the answer has no DataContent")
        certificate = read_certificate(
            answer.data_content,
            trusted=self._trusted,
            max_bytes=self.config.max_response_bytes,
        )
        original = IssuerOriginal(
            xml=answer.data_content,
            pdf=answer.doc_content,
            signature_verified=self._trusted is not None,
        )

        return standard_document(
            certificate,
            uri=uri,
            doc_type=doc_type.code,
            default_name=doc_type.name,
            organization=self.organization,
            original=original,
            fetched_at=self._now(),
        )

    def _recently_found(self, uri: str) -> DigiLockerDocument:
        document = self._recent.take(uri)
        if document is None:
            raise NotServedByUri(
                f"{self.config.name} sends a document only when it is found; "
                "pull it again from the issuer."
            )
        return document

    def _refused(self, error: AnswerInvalid) -> IssuerAnswerRefused:
        level = (
            logging.ERROR
            if error.problem is AnswerProblem.CREDENTIALS_REFUSED
            else logging.WARNING
        )
        logger.log(
            level,
            "Refused an answer of issuer %s (%s): %s",
            self.config.issuer_id,
            error.problem.value,
            error.detail,
        )
        if error.problem is AnswerProblem.SIGNATURE:
            message = (
                f"{self.config.name} sent a document whose signature does not "
                "verify, so it was not used; try again later."
            )
        else:
            message = (
                f"{self.config.name} sent an answer the locker cannot use; "
                "try again later."
            )
        return IssuerAnswerRefused(message, problem=error.problem, detail=error.detail)


def _holder(
    answer: PullAnswer, document: DigiLockerDocument | None, identity: Identity
) -> Holder:
    """The holder the issuer names: from ``Persons``, else from the certificate.

    When several persons are listed (joint holders), the one named like the
    resident is taken; the locker still checks name and date of birth.
    """
    if answer.persons:
        person = next(
            (p for p in answer.persons if names_match(p.name, identity.name)),
            answer.persons[0],
        )
        return Holder(name=person.name, dob=person.dob, gender=person.gender)
    if document is not None:
        holder = document.issued_to
        return Holder(name=holder.name, dob=holder.dob, gender=holder.gender)
    raise AnswerInvalid(AnswerProblem.SHAPE, "the answer names no holder")


def _utc_now() -> datetime:
    return datetime.now(UTC)
