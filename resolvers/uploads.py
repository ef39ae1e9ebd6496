"""Residents' own files: storage, listing, changes, links and self-attestation.

Every function acts for the signed-in resident only: a file is looked up
through ``UploadService.document`` with the asking resident's account, so an id
of someone else's file answers ``DOCUMENT_NOT_FOUND`` on every path.
"""

from __future__ import annotations

import dataclasses

from models import Account, OtpChallenge, UploadedDocument
from resolvers.context import LockerContext
from services.errors import DocumentNotFound, InvalidArgument
from services.esign import SignatureVerdict
from services.links import DownloadLink
from services.uploads.service import StorageUsage, UploadFilter, UploadPage, UploadSlot

MOST_PER_PAGE = 100


async def storage(context: LockerContext, account: Account) -> StorageUsage:
    """``account``'s storage; it was reached through an authorised path."""
    return await context.services.uploads.usage(account)


async def uploads(
    context: LockerContext,
    account: Account,
    first: int,
    after: str | None,
    where: UploadFilter,
) -> UploadPage:
    """A page of ``account``'s files; it was reached through an authorised path."""
    if not 1 <= first <= MOST_PER_PAGE:
        raise InvalidArgument(
            f"Ask for between 1 and {MOST_PER_PAGE} files at a time.", field="first"
        )
    return await context.services.uploads.documents(
        account, first=first, after=after, where=where
    )


async def upload_folders(context: LockerContext, account: Account) -> list[str]:
    return await context.services.uploads.folders(account)


async def upload(
    context: LockerContext, account: Account, document_id: str
) -> UploadedDocument:
    return await context.services.uploads.document(account, document_id)


async def start_upload(
    context: LockerContext,
    *,
    name: str,
    size: int,
    folder: str,
    description: str,
    doc_type: str | None,
) -> UploadSlot:
    account = await context.resident()
    return await context.services.uploads.begin(
        account,
        name=name,
        size=size,
        folder=folder,
        description=description,
        doc_type=doc_type,
    )


async def update_upload(
    context: LockerContext,
    document_id: str,
    *,
    name: str | None,
    folder: str | None,
    description: str | None,
    doc_type: str | None,
    clear_doc_type: bool,
) -> UploadedDocument:
    account = await context.resident()
    return await context.services.uploads.update(
        account,
        document_id,
        name=name,
        folder=folder,
        description=description,
        doc_type=doc_type,
        clear_doc_type=clear_doc_type,
    )


async def delete_upload(
    context: LockerContext, document_id: str
) -> tuple[str, StorageUsage]:
    """Delete the file; its id and the storage left afterwards."""
    account = await context.resident()
    await context.services.uploads.delete(account, document_id)
    return document_id, await context.services.uploads.usage(account)


async def signed_from(
    context: LockerContext, document: UploadedDocument
) -> UploadedDocument | None:
    """The file ``document`` is a self-attested copy of, while it is still kept."""
    if document.signed_from_id is None:
        return None
    account = await context.resident()
    try:
        return await context.services.uploads.document(account, document.signed_from_id)
    except DocumentNotFound:
        return None


def download_link(
    context: LockerContext, document: UploadedDocument, *, inline: bool
) -> DownloadLink:
    """A link to ``document``'s bytes for its owner.

    ``document`` was reached through a path that checked the viewer owns it;
    the link is bound to it and to that owner.
    """
    link = context.services.links.create_for_upload(
        str(document.id), str(document.account_id)
    )
    if inline:
        return dataclasses.replace(link, url=f"{link.url}&inline=1")
    return link


async def signature(
    context: LockerContext, document: UploadedDocument
) -> SignatureVerdict:
    account = await context.resident()
    return await context.services.attestation.verify(account, document.id)


async def request_esign(context: LockerContext, document_id: str) -> OtpChallenge:
    account = await context.resident()
    return await context.services.attestation.request(
        account, document_id, client_address=context.client.address
    )


async def confirm_esign(
    context: LockerContext, challenge_id: str, otp: str
) -> tuple[UploadedDocument, UploadedDocument | None]:
    """Store the eSigned copy; the copy and the original it was made from."""
    account = await context.resident()
    copy = await context.services.attestation.confirm(account, challenge_id, otp)
    return copy, await signed_from(context, copy)


async def certificate_authority(context: LockerContext) -> str:
    """The PEM certificate of the CA that issues self-attestation certificates."""
    ca = await context.services.attestation.ca()
    return ca.certificate_pem.decode("ascii")
