"""The base class an issuer subclasses to join the locker."""

from __future__ import annotations

import abc
import re
from collections.abc import Mapping
from typing import ClassVar

from adapters.sdk.document import (
    ISSUER_ID_PATTERN,
    DocumentUri,
    Organization,
    StandardDocument,
)
from adapters.sdk.errors import InvalidLookup, RecordNotFound
from adapters.sdk.identity import FindResult, Identity
from adapters.sdk.lookup import DocTypeSpec


class IssuerAdapter(abc.ABC):
    """An issuer, seen by the locker.

    Subclasses declare ``issuer_id`` (reverse-domain, ``in.gov.cbse``), a display
    ``name``, the ``organization`` that goes into ``IssuedBy``, and ``doc_types``
    with their lookup fields; then implement two coroutines:

    - ``find(doc_type, lookup, identity)``: search the issuer's records with the
      lookup values, already validated against the doc type's fields, and answer
      the document's URI and either the holder as the issuer knows them or the
      issuer's own verdict on ``identity``. Raise ``RecordNotFound`` when there is
      no such record, ``HolderMismatch`` when the issuer itself says the record is
      someone else's, ``IssuerUnavailable`` when the issuer cannot answer.
    - ``fetch(uri)``: the document by URI as a ``StandardDocument``.

    The locker calls ``lookup`` and ``get``, which check input and then call
    ``find`` and ``fetch``. An adapter is constructed once, with no arguments, and
    shared by every request: keep it free of per-request state.

    Optional class attributes tune how the locker calls the issuer:
    ``call_timeout_seconds``, ``stale_copy_seconds`` and ``accepts_pushes``
    (below).
    """

    issuer_id: ClassVar[str]
    name: ClassVar[str]
    organization: ClassVar[Organization]
    doc_types: ClassVar[tuple[DocTypeSpec, ...]]

    #: The longest one ``find`` or ``fetch`` may take; the locker gives up on a
    #: call after this long and answers ``ISSUER_UNAVAILABLE``.
    call_timeout_seconds: ClassVar[float] = 10.0
    #: How long after it was made a copy of a document may still be served,
    #: marked stale, while the issuer cannot answer; ``0`` never serves one.
    stale_copy_seconds: ClassVar[int] = 0
    #: Whether the issuer may push URIs into residents' lockers: only an
    #: adapter whose ``fetch`` can read any of its URIs should say yes.
    accepts_pushes: ClassVar[bool] = True

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if getattr(cls, "__abstractmethods__", None):
            return
        issuer_id = getattr(cls, "issuer_id", "")
        if re.fullmatch(ISSUER_ID_PATTERN, issuer_id) is None:
            raise TypeError(
                f"{cls.__name__}.issuer_id {issuer_id!r} must be reverse-domain "
                "style, like 'in.gov.cbse'"
            )

    def doc_type(self, code: str) -> DocTypeSpec:
        """The declared doc type ``code``; ``InvalidLookup`` when not issued here."""
        for spec in self.doc_types:
            if spec.code == code:
                return spec
        raise InvalidLookup(
            f"{self.name} does not issue this doc type; it issues "
            f"{', '.join(spec.code for spec in self.doc_types)}.",
            field="docType",
        )

    async def lookup(
        self, doc_type: str, values: Mapping[str, str], identity: Identity
    ) -> FindResult:
        """Validate the lookup input, then ``find``."""
        spec = self.doc_type(doc_type)
        cleaned = spec.clean_lookup(values)

        return await self.find(spec.code, cleaned, identity)

    async def get(self, uri: str) -> StandardDocument:
        """Check that ``uri`` is this issuer's, then ``fetch``."""
        try:
            parsed = DocumentUri.parse(uri)
        except ValueError as error:
            raise RecordNotFound(str(error)) from error
        if parsed.issuer_id != self.issuer_id or parsed.doc_type not in {
            spec.code for spec in self.doc_types
        }:
            raise RecordNotFound(f"{self.name} has no document {uri}.")

        return await self.fetch(uri)

    @abc.abstractmethod
    async def find(
        self, doc_type: str, lookup: Mapping[str, str], identity: Identity
    ) -> FindResult:
        """Search the issuer's records; see the class docstring."""

    @abc.abstractmethod
    async def fetch(self, uri: str) -> StandardDocument:
        """Answer the document ``uri`` in the standard representation."""
