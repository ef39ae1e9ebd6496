"""Who may touch what: the decision for each kind of object, in one place.

A request speaks for nobody, a resident (a session token), a requester (an
access token standing for one consent) or the operator (the admin token). The
decisions, by kind of object:

- **the resident's own things** (``me`` and all below it, ``document``, every
  resident mutation): the signed-in resident only, looked up by their account;
  decided by ``LockerContext.resident``, which refuses a requester's token
  (``NOT_FOR_REQUESTERS``);
- **every mutation**: never a requester's token, whatever else it needs
  (``schema.principals`` asks ``LockerContext.refuse_requester_token``);
- **the shared consent**: only the requester its token was issued to
  (``shared_consent``); a resident's session is refused (``REQUESTERS_ONLY``);
- **a shared document**: a URI the consent lists (``shared_entry``), still in
  the resident's locker (``readable_document``), in a form the consent grants;
  any other URI, the resident's other documents or another resident's, is
  ``NOT_GRANTED`` alike, so a requester learns nothing of what else exists;
- **a read** of a shared document (metadata, XML, the PDF, a verification):
  ``ConsentService.authorize_read``, which checks that the consent is still
  active, in its window and has reads left, and counts and logs the read
  (``count_read``).

Nothing leads from a requester's objects to the resident: a shared document
carries its URI, doc type and the forms granted, never an account.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from adapters.sdk import DocumentUri
from models import Consent, IssuedDocument, Requester
from resolvers.context import LockerContext
from services.activity import DocumentForm
from services.container import Services
from services.errors import ConsentNotFound, DocumentNotFound, NotGranted
from services.oauth import RequesterAccess

FORM_ORDER = tuple(DocumentForm)
"""Forms from the least revealing to the most: metadata, XML, PDF."""


@dataclass(frozen=True)
class SharedEntry:
    """A document as a consent grants it: its URI, doc type and forms."""

    uri: str
    doc_type: str
    forms: tuple[DocumentForm, ...]

    @property
    def lightest_form(self) -> DocumentForm:
        """The least revealing form granted, which a verification is logged as."""
        return min(self.forms, key=FORM_ORDER.index)


async def shared_consent(context: LockerContext) -> Consent:
    """The consent the request's access token stands for, with its requester.

    It is answered whatever its status, so that a requester can see that it
    was revoked or ran out; reading under it is decided by ``count_read``.
    """
    access = await context.requester()
    consent = await Consent.get_or_none(
        id=access.consent_id, requester_id=access.requester.id
    ).select_related("requester")
    if consent is None:
        # The resident closed their account: their consents went with it.
        raise ConsentNotFound(
            "The consent this token was issued under no longer exists; ask the "
            "resident again."
        )
    return consent


def shared_entries(consent: Consent) -> list[SharedEntry]:
    """Every document ``consent`` grants, in the order the resident chose them."""
    return [
        _entry(document["uri"], document["forms"]) for document in consent.documents
    ]


def shared_entry(consent: Consent, uri: str) -> SharedEntry:
    """The document ``uri`` as ``consent`` grants it; ``NotGranted`` if it does not."""
    for document in consent.documents:
        if document["uri"] == uri.strip():
            return _entry(document["uri"], document["forms"])

    raise NotGranted(
        "The resident did not share this document with you under this consent.",
        field="uri",
    )


async def shared_document(context: LockerContext, uri: str) -> SharedEntry:
    """The document ``uri`` of the request's consent; nothing is read or counted."""
    return shared_entry(await shared_consent(context), uri)


async def readable_document(
    requester: Requester, consent_id: uuid.UUID, uri: str, form: DocumentForm | None
) -> IssuedDocument:
    """The resident's document ``uri``, if the consent grants it in ``form``.

    ``form`` None accepts any granted form. Checks only what the consent says
    and that the resident still holds the document; whether a read is allowed
    now, and counting it, is ``count_read``'s. Raises ``ConsentNotFound``,
    ``NotGranted`` or ``DocumentNotFound``.
    """
    consent = await Consent.get_or_none(id=consent_id, requester_id=requester.id)
    if consent is None:
        raise ConsentNotFound(
            "No consent with this id was given to you; ask the resident for one."
        )
    entry = shared_entry(consent, uri)
    if form is not None and form not in entry.forms:
        raise NotGranted(
            f"The resident did not share this document with you as {form.value}.",
            field="uri",
        )

    document = await IssuedDocument.get_or_none(
        account_id=consent.account_id, uri=entry.uri
    )
    if document is None:
        raise DocumentNotFound(
            "The resident no longer holds this document in their locker.",
            field="uri",
        )
    return document


async def count_read(
    services: Services,
    requester: Requester,
    consent_id: uuid.UUID,
    uri: str,
    form: DocumentForm,
) -> None:
    """Allow, count and log one read now, or raise why not (the consent decides)."""
    await services.consents.authorize_read(consent_id, uri, form, requester=requester)


async def requester_reading(
    context: LockerContext, entry: SharedEntry, form: DocumentForm | None
) -> tuple[RequesterAccess, IssuedDocument]:
    """The requester asking, and ``entry``'s document if readable in ``form``."""
    access = await context.requester()
    document = await readable_document(
        access.requester, access.consent_id, entry.uri, form
    )
    return access, document


def _entry(uri: str, forms: list[str]) -> SharedEntry:
    return SharedEntry(
        uri=uri,
        doc_type=DocumentUri.parse(uri).doc_type,
        forms=tuple(DocumentForm(form) for form in forms),
    )
