"""The locker's own parts of an authorization request: scope, purpose and terms.

A requester asks for documents by scope, one value per document or doc type:

- ``issued/<URI>``: a document the requester already knows of
  (``issued/in.gov.cbse-HSCER-202416612345``);
- ``doctype/<DocType>``: any document of that type the resident holds
  (``doctype/HSCER``).

Either must name a doc type the requester was registered for. Beside the
scope, ``purpose`` (one of the requester's declared purpose codes), ``forms``,
``valid_for_days`` and ``max_reads`` say what the consent is asked for; see
``services.oauth.authorize``.

What is *granted* is narrower: the documents the resident chose, always as
``issued/<URI>`` (``granted_scope``).

Every refusal is an authlib error with an RFC 6749 code. Its description never
repeats what the requester sent: RFC 6749 allows only plain ASCII there, and a
value sent back verbatim could be anything.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from authlib.oauth2.rfc6749 import InvalidRequestError, InvalidScopeError

from adapters.sdk import DocumentUri
from models import Consent, Requester
from services.activity import DocumentForm
from services.oauth.authorize import (
    DEFAULT_VALID_FOR,
    DOCTYPE_SCOPE_PREFIX,
    ISSUED_SCOPE_PREFIX,
)

SCOPE_PATTERNS = (
    ISSUED_SCOPE_PREFIX + "{IssuerId-DocType-DocId}",
    DOCTYPE_SCOPE_PREFIX + "{DocType}",
)
"""The forms a scope value takes, as the metadata document describes them."""

MOST_SCOPE_VALUES = 20
MOST_READS = 10_000
_DOC_TYPE = re.compile(r"[A-Z]{1,5}")
_WHOLE_NUMBER = re.compile(r"[0-9]{1,6}")
_FORMS = tuple(form.value for form in DocumentForm)


@dataclass(frozen=True)
class RequestedScope:
    """The documents and doc types a request asks for, in the order asked."""

    uris: tuple[str, ...]
    doc_types: tuple[str, ...]

    @property
    def scope(self) -> str:
        """The scope as asked, without repeats."""
        return " ".join(
            [ISSUED_SCOPE_PREFIX + uri for uri in self.uris]
            + [DOCTYPE_SCOPE_PREFIX + doc_type for doc_type in self.doc_types]
        )


@dataclass(frozen=True)
class Terms:
    """What the consent is asked for, besides the documents."""

    purpose_code: str
    purpose_text: str
    forms: tuple[str, ...]
    valid_for: timedelta
    max_reads: int | None


def parse_scope(scope: str | None, requester: Requester) -> RequestedScope:
    """The documents ``scope`` asks for; ``InvalidScopeError`` if it cannot be."""
    values = list(dict.fromkeys((scope or "").split()))
    if not values:
        raise InvalidScopeError(
            "Ask for at least one document: scope holds issued/<URI> or "
            "doctype/<DocType> values, separated by spaces."
        )
    if len(values) > MOST_SCOPE_VALUES:
        raise InvalidScopeError(
            f"Ask for at most {MOST_SCOPE_VALUES} documents or doc types at once."
        )

    uris: list[str] = []
    doc_types: list[str] = []
    for value in values:
        if value.startswith(ISSUED_SCOPE_PREFIX):
            uri = _document_uri(value.removeprefix(ISSUED_SCOPE_PREFIX))
            _check_doc_type(uri.doc_type, requester)
            uris.append(str(uri))
        elif value.startswith(DOCTYPE_SCOPE_PREFIX):
            doc_type = value.removeprefix(DOCTYPE_SCOPE_PREFIX)
            if not _DOC_TYPE.fullmatch(doc_type):
                raise InvalidScopeError(
                    "A doctype/ scope names a doc type: one to five capital "
                    "letters, as in doctype/HSCER."
                )
            _check_doc_type(doc_type, requester)
            doc_types.append(doc_type)
        else:
            raise InvalidScopeError(
                "A scope value is neither issued/<URI> nor doctype/<DocType>; "
                "the locker knows no other."
            )

    return RequestedScope(uris=tuple(uris), doc_types=tuple(doc_types))


def parse_terms(
    params: Mapping[str, str], requester: Requester, *, longest: timedelta
) -> Terms:
    """The purpose and terms a request asks for; ``InvalidRequestError`` if bad."""
    purpose_code = params.get("purpose", "")
    purpose_text = next(
        (p["text"] for p in requester.purposes if p.get("code") == purpose_code),
        None,
    )
    if purpose_text is None:
        raise InvalidRequestError(
            "Give purpose: one of the purpose codes the requester registered."
        )

    return Terms(
        purpose_code=purpose_code,
        purpose_text=purpose_text,
        forms=_forms(params.get("forms")),
        valid_for=_valid_for(params.get("valid_for_days"), longest),
        max_reads=_max_reads(params.get("max_reads")),
    )


def require_state(params: Mapping[str, str]) -> str:
    """The request's ``state``, which the locker requires against CSRF."""
    state = params.get("state", "")
    if not state:
        raise InvalidRequestError(
            "Give state: an unguessable value tied to the user's session, which "
            "the locker sends back unchanged."
        )

    return state


def granted_scope(consent: Consent) -> str:
    """The scope a consent grants: ``issued/<URI>`` for each document in it."""
    return " ".join(
        ISSUED_SCOPE_PREFIX + document["uri"] for document in consent.documents
    )


def _document_uri(text: str) -> DocumentUri:
    try:
        return DocumentUri.parse(text)
    except ValueError:
        raise InvalidScopeError(
            "An issued/ scope names a document URI, IssuerId-DocType-DocId, as in "
            "issued/in.gov.cbse-HSCER-202416612345."
        ) from None


def _check_doc_type(doc_type: str, requester: Requester) -> None:
    if doc_type not in requester.doc_types:
        raise InvalidScopeError(
            f"This requester may not ask for {doc_type} documents; it was "
            f"registered for {', '.join(requester.doc_types)}."
        )


def _forms(written: str | None) -> tuple[str, ...]:
    if written is None:
        return _FORMS
    chosen = set(written.split())
    if not chosen or not chosen <= set(_FORMS):
        raise InvalidRequestError(
            "Give forms as a space-separated choice of metadata, xml and pdf."
        )

    return tuple(form for form in _FORMS if form in chosen)


def _valid_for(written: str | None, longest: timedelta) -> timedelta:
    if written is None:
        return min(DEFAULT_VALID_FOR, longest)
    days = int(written) if _WHOLE_NUMBER.fullmatch(written) else 0
    if not 1 <= days <= longest.days:
        raise InvalidRequestError(
            f"Give valid_for_days as a whole number of days from 1 to {longest.days}."
        )

    return timedelta(days=days)


def _max_reads(written: str | None) -> int | None:
    if written is None:
        return None
    reads = int(written) if _WHOLE_NUMBER.fullmatch(written) else 0
    if not 1 <= reads <= MOST_READS:
        raise InvalidRequestError(
            f"Give max_reads as a whole number from 1 to {MOST_READS}, or leave it "
            "out for no limit."
        )

    return reads
