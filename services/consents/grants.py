"""What a resident may grant a requester: the checks made before a consent exists.

Each check refuses with a ``LockerError`` naming the argument at fault, so the
consent page can point at it. Only ``held_doc_types`` reads the database.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import timedelta
from typing import Any

from models import Account, IssuedDocument, Requester
from services.activity import DocumentForm
from services.errors import DocumentNotFound, InvalidArgument

# Forms are kept and signed in this order, whatever order they were chosen in.
FORM_ORDER = tuple(DocumentForm)

GrantedDocuments = Iterable[tuple[str, Collection[str]]]


def check_requester(requester: Requester) -> None:
    """Refuse a requester the operator has switched off."""
    if not requester.active:
        raise InvalidArgument(
            f"{requester.name} is no longer registered with the locker, so "
            "nothing can be shared with it.",
            field="requester",
        )


def declared_purpose(requester: Requester, purpose_code: str) -> str:
    """The text of a purpose ``requester`` declared; refuses any other code."""
    for purpose in requester.purposes:
        if purpose.get("code") == purpose_code:
            return purpose["text"]

    raise InvalidArgument(
        f"{requester.name} did not declare this purpose, so it cannot ask for "
        "documents for it.",
        field="purposeCode",
    )


def checked_documents(documents: GrantedDocuments) -> list[dict[str, Any]]:
    """The grant as stored and signed: ``[{"uri", "forms"}]``, forms in order.

    Refuses an empty grant (that is a denial), a document named twice, and
    forms that are empty or not metadata, xml and pdf.
    """
    checked: list[dict[str, Any]] = []
    seen: set[str] = set()
    for uri, forms in documents:
        uri = uri.strip()
        if uri in seen:
            raise InvalidArgument(
                "A document is listed twice; list it once with all its forms.",
                field="documents",
            )
        seen.add(uri)
        checked.append({"uri": uri, "forms": _checked_forms(forms)})

    if not checked:
        raise InvalidArgument(
            "Choose at least one document to share, or deny the request.",
            field="documents",
        )
    return checked


async def held_doc_types(account: Account, granted: list[dict[str, Any]]) -> list[str]:
    """The doc type of each granted URI; refuses one not in the resident's locker."""
    uris = [document["uri"] for document in granted]
    held = await IssuedDocument.filter(account_id=account.id, uri__in=uris).values_list(
        "doc_type", flat=True
    )
    if len(held) < len(uris):
        raise DocumentNotFound(
            "A document you chose is not in your locker; pull it from its issuer "
            "first.",
            field="documents",
        )

    return [str(doc_type) for doc_type in held]


def check_doc_types(requester: Requester, doc_types: Iterable[str]) -> None:
    """Refuse documents of a type ``requester`` did not declare it asks for."""
    for doc_type in doc_types:
        if doc_type not in requester.doc_types:
            raise InvalidArgument(
                f"{requester.name} may not ask for {doc_type} documents.",
                field="documents",
            )


def check_terms(
    valid_for: timedelta, max_reads: int | None, *, longest: timedelta
) -> None:
    """Refuse a duration outside (0, ``longest``] or a read limit below one."""
    if not timedelta(0) < valid_for <= longest:
        raise InvalidArgument(
            f"A consent lasts for some time, and at most {longest.days} days.",
            field="validFor",
        )
    if max_reads is not None and max_reads < 1:
        raise InvalidArgument(
            "Allow at least one read, or leave the number of reads open.",
            field="maxReads",
        )


def _checked_forms(forms: Collection[str]) -> list[str]:
    known = {form.value for form in FORM_ORDER}
    unknown = set(forms) - known
    if unknown or not forms:
        raise InvalidArgument(
            "Share each document as metadata, xml or pdf, at least one of them.",
            field="forms",
        )

    return [form.value for form in FORM_ORDER if form.value in forms]
