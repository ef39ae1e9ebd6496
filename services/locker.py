"""The locker: issued documents kept as URIs and fetched on demand.

Pulling asks the issuer's adapter to find a document, checks that its holder is
the resident, fetches and renders it once (so that a broken document is never
recorded), and records the URI. Reading a document asks the adapter again when
the cached rendition is older than the cache lifetime.

The adapter is always called through ``IssuerCalls`` (timeout, retries, a
circuit breaker per issuer). When the issuer cannot answer, a resident may be
served the last rendition, marked ``stale``, if the adapter allows it
(``stale_copy_seconds``) and the copy is younger than that.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

import anyio
from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q

from adapters.registry import AdapterRegistry
from adapters.sdk import (
    DocumentStatus,
    DocumentUri,
    IssuerAdapter,
    IssuerUnavailable,
    StandardDocument,
)
from models import Account, IssuedDocument
from services.clock import Clock
from services.documents.render import DocumentRenderer
from services.errors import (
    AadhaarNotLinked,
    DocumentNotFound,
    HolderDoesNotMatch,
    InvalidUri,
    UnknownIssuer,
)
from services.identity.aadhaar import identity_of
from services.issuers import CallPolicy, IssuerCalls
from services.matching import holder_matches
from services.paging import decode_cursor, encode_cursor
from services.storage import ObjectStore

logger = logging.getLogger(__name__)

_RENDITION_SUFFIXES = (".xml", ".pdf", ".json", ".issuer.xml")


@dataclass(frozen=True)
class DocumentContent:
    """A document as rendered and signed by the locker, with what a reader sees.

    ``stale`` marks an earlier copy served because the issuer could not answer;
    ``rendered_at`` says when it was made. ``issuer_xml`` is the issuer's own
    signed certificate XML, byte for byte, for issuers that send one.
    """

    uri: str
    name: str
    status: DocumentStatus
    holder_name: str
    issue_date: date | None
    valid_from: date | None
    expiry_date: date | None
    xml: bytes
    pdf: bytes
    rendered_at: datetime
    stale: bool = False
    issuer_xml: bytes | None = None


@dataclass(frozen=True)
class Page:
    """One page of issued documents, newest first."""

    items: list[IssuedDocument]
    cursors: list[str]
    end_cursor: str | None
    has_next_page: bool
    total_count: int


def _rendition_key(uri: str) -> str:
    """The object key, less its suffix, a URI's cached rendition is kept under."""
    return f"rendered/{hashlib.sha256(uri.encode()).hexdigest()}"


def _optional_date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


class Locker:
    """Issued documents of residents."""

    def __init__(
        self,
        registry: AdapterRegistry,
        renderer: DocumentRenderer,
        store: ObjectStore,
        *,
        cache_seconds: int,
        clock: Clock,
        issuer_calls: IssuerCalls | None = None,
    ) -> None:
        self.registry = registry
        self._renderer = renderer
        self._store = store
        self._cache_lifetime = timedelta(seconds=cache_seconds)
        self._clock = clock
        self._issuer_calls = issuer_calls or IssuerCalls(CallPolicy(), clock)

    def adapter(self, issuer_id: str) -> IssuerAdapter:
        adapter = self.registry.get(issuer_id)
        if adapter is None:
            raise UnknownIssuer(
                "No issuer with this id serves this locker; the `issuers` query "
                "lists those that do.",
                field="issuerId",
            )
        return adapter

    def adapter_for_uri(self, uri: str) -> IssuerAdapter:
        try:
            parsed = DocumentUri.parse(uri)
        except ValueError as error:
            raise InvalidUri(
                "This is not a document URI (IssuerId-DocType-DocId).",
                field="uri",
            ) from error
        return self.adapter(parsed.issuer_id)

    async def pull(
        self,
        account: Account,
        issuer_id: str,
        doc_type: str,
        lookup: Mapping[str, str],
    ) -> tuple[IssuedDocument, bool]:
        """Find, check and record a document; answers it and whether it was new.

        Raises the adapter's errors as they are, ``AadhaarNotLinked`` before
        Aadhaar is linked and ``HolderDoesNotMatch`` when the record is someone
        else's; nothing is recorded then.
        """
        identity = identity_of(account)
        if identity is None:
            raise AadhaarNotLinked(
                "Link your Aadhaar first: issued documents are matched to your "
                "verified name and date of birth."
            )
        adapter = self.adapter(issuer_id)

        found = await self._issuer_calls.find(adapter, doc_type, lookup, identity)
        if not holder_matches(found, identity):
            logger.debug(
                "Holder mismatch on pull",
                extra={"account_id": str(account.id), "issuer_id": issuer_id},
            )
            raise HolderDoesNotMatch(
                "The issuer's record is not in your verified name and date of "
                "birth, so it was not added to your locker. Check the details you "
                "entered."
            )

        existing = await IssuedDocument.get_or_none(account=account, uri=found.uri)
        if existing is not None:
            return existing, False
        content = await self.content(found.uri, refresh=True)
        try:
            issued = await IssuedDocument.create(
                account=account,
                uri=found.uri,
                issuer_id=adapter.issuer_id,
                doc_type=doc_type,
                name=content.name,
                pulled_at=self._clock.now(),
            )
        except IntegrityError:
            # Another request of the same resident recorded it first.
            return await IssuedDocument.get(account=account, uri=found.uri), False
        logger.info(
            "Document pulled",
            extra={"account_id": str(account.id), "issuer_id": issuer_id},
        )

        return issued, True

    async def issued_documents(
        self, account: Account, *, first: int, after: str | None
    ) -> Page:
        """The resident's issued documents, newest first, ``first`` at a time."""
        query = IssuedDocument.filter(account=account)
        total = await query.count()
        if after is not None:
            pulled_at, document_id = decode_cursor(after)
            query = query.filter(
                Q(pulled_at__lt=pulled_at) | Q(pulled_at=pulled_at, id__lt=document_id)
            )
        rows = await query.order_by("-pulled_at", "-id").limit(first + 1)

        items = rows[:first]
        return Page(
            items=items,
            cursors=[encode_cursor(item.pulled_at, item.id) for item in items],
            end_cursor=encode_cursor(items[-1].pulled_at, items[-1].id)
            if items
            else None,
            has_next_page=len(rows) > first,
            total_count=total,
        )

    async def issued_document(self, account: Account, uri: str) -> IssuedDocument:
        """The resident's own document ``uri``; nobody else's is ever answered."""
        self.adapter_for_uri(uri)
        document = await IssuedDocument.get_or_none(account=account, uri=uri.strip())
        if document is None:
            raise DocumentNotFound(
                "This document is not in your locker; pull it from its issuer first.",
                field="uri",
            )
        return document

    async def content(
        self, uri: str, *, refresh: bool = False, allow_stale: bool = False
    ) -> DocumentContent:
        """The signed XML and PDF of ``uri``, from cache while fresh.

        Callers authorise first: this answers any URI an adapter serves.
        ``allow_stale`` is for the resident's own reading, which shows the
        mark: when the issuer is unavailable, an earlier copy the adapter
        allows (``stale_copy_seconds``) is answered with ``stale`` set instead
        of the error. Requesters never get one: they act on the document's
        status now. ``refresh`` always asks the issuer.
        """
        key = _rendition_key(uri)
        if not refresh:
            cached = await self._cached(key, self._cache_lifetime)
            if cached is not None:
                return cached

        adapter = self.adapter_for_uri(uri)
        try:
            document = await self._issuer_calls.fetch(adapter, uri)
        except IssuerUnavailable:
            if refresh or not allow_stale:
                raise
            stale = await self._stale_copy(key, adapter)
            if stale is None:
                raise
            return stale
        rendered = await anyio.to_thread.run_sync(
            lambda: self._renderer.render(document, issuer_name=adapter.name)
        )
        content = _content_of(document, rendered.xml, rendered.pdf, self._clock.now())
        await self._store.put(f"{key}.xml", content.xml)
        await self._store.put(f"{key}.pdf", content.pdf)
        if content.issuer_xml is not None:
            await self._store.put(f"{key}.issuer.xml", content.issuer_xml)
        else:
            await self._store.delete(f"{key}.issuer.xml")
        await self._store.put(f"{key}.json", _metadata_of(content))

        return content

    async def forget_renditions(self, uris: Iterable[str]) -> None:
        """Delete the cached XML, PDF and metadata of each URI, if any.

        For erasure: the next reader of a URI, if any, makes them afresh.
        """
        for uri in uris:
            key = _rendition_key(uri)
            for suffix in _RENDITION_SUFFIXES:
                await self._store.delete(f"{key}{suffix}")

    async def _stale_copy(
        self, key: str, adapter: IssuerAdapter
    ) -> DocumentContent | None:
        """The last rendition, marked stale, if ``adapter`` allows one this old."""
        if adapter.stale_copy_seconds <= 0:
            return None
        cached = await self._cached(key, timedelta(seconds=adapter.stale_copy_seconds))
        if cached is None:
            return None

        logger.warning(
            "Serving a stale copy while its issuer is unavailable",
            extra={
                "issuer_id": adapter.issuer_id,
                "rendered_at": cached.rendered_at.isoformat(),
            },
        )
        return replace(cached, stale=True)

    async def _cached(self, key: str, lifetime: timedelta) -> DocumentContent | None:
        """The rendition kept under ``key`` if it is at most ``lifetime`` old."""
        metadata_bytes = await self._store.get(f"{key}.json")
        if metadata_bytes is None:
            return None
        metadata = json.loads(metadata_bytes)
        rendered_at = datetime.fromisoformat(metadata["rendered_at"])
        if self._clock.now() - rendered_at > lifetime:
            return None
        xml = await self._store.get(f"{key}.xml")
        pdf = await self._store.get(f"{key}.pdf")
        if xml is None or pdf is None:
            return None
        issuer_xml = await self._store.get(f"{key}.issuer.xml")

        return DocumentContent(
            uri=metadata["uri"],
            name=metadata["name"],
            status=DocumentStatus(metadata["status"]),
            holder_name=metadata["holder_name"],
            issue_date=_optional_date(metadata["issue_date"]),
            valid_from=_optional_date(metadata["valid_from"]),
            expiry_date=_optional_date(metadata["expiry_date"]),
            xml=xml,
            pdf=pdf,
            rendered_at=rendered_at,
            issuer_xml=issuer_xml,
        )


def _content_of(
    document: StandardDocument, xml: bytes, pdf: bytes, rendered_at: datetime
) -> DocumentContent:
    return DocumentContent(
        uri=document.uri,
        name=document.name,
        status=document.status,
        holder_name=document.issued_to.name,
        issue_date=document.issue_date,
        valid_from=document.valid_from,
        expiry_date=document.expiry_date,
        xml=xml,
        pdf=pdf,
        rendered_at=rendered_at,
        issuer_xml=document.issuer_xml,
    )


def _metadata_of(content: DocumentContent) -> bytes:
    def iso(value: date | None) -> str | None:
        return value.isoformat() if value else None

    return json.dumps(
        {
            "uri": content.uri,
            "name": content.name,
            "status": content.status.value,
            "holder_name": content.holder_name,
            "issue_date": iso(content.issue_date),
            "valid_from": iso(content.valid_from),
            "expiry_date": iso(content.expiry_date),
            "rendered_at": content.rendered_at.isoformat(),
        }
    ).encode()
