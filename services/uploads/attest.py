"""Self-attestation: the resident eSigns one of their files after an OTP.

``request`` texts a code to the resident's mobile for one file; ``confirm``
checks it, turns an image into a PDF, signs the PDF with a certificate the
locker's CA issues to the resident in their Aadhaar-verified name (with a
visible "Self-attested by … on …" stamp), and stores the result as a new
file beside the original, which is kept. The new file counts against the
quota like any other; the OTP is spent only when the signed copy is stored.
``verify`` checks a stored PDF's last signature against the locker's CA.
"""

from __future__ import annotations

import logging
import tempfile
import uuid
from collections.abc import Callable
from contextlib import aclosing
from datetime import datetime
from pathlib import Path
from typing import BinaryIO, cast

import anyio
import anyio.to_thread
from tortoise.transactions import in_transaction

from models import Account, OtpChallenge, UploadedDocument
from services.clock import Clock
from services.errors import AadhaarNotLinked, NotSignable
from services.esign.ca import LockerCA
from services.esign.signing import esign_pdf, image_to_pdf
from services.esign.verify import SignatureVerdict
from services.esign.verify import verify_pdf as verify_signed_pdf
from services.otp import OtpService
from services.uploads.names import MAX_NAME_CHARS
from services.uploads.service import READY, RECEIVING, UploadService

logger = logging.getLogger(__name__)

ESIGN = "esign"
PDF = "application/pdf"
_CHUNK = 256 * 1024


class SelfAttestation:
    """eSigns residents' files under the locker's own CA."""

    def __init__(
        self,
        uploads: UploadService,
        otp: OtpService,
        load_ca: Callable[[], LockerCA],
        clock: Clock,
    ) -> None:
        self.uploads = uploads
        self.otp = otp
        self.clock = clock
        self._load_ca = load_ca
        self._ca: LockerCA | None = None
        self._ca_lock = anyio.Lock()

    async def ca(self) -> LockerCA:
        """The locker's CA, loaded (or, the first time ever, created) on first use."""
        async with self._ca_lock:
            if self._ca is None:
                self._ca = await anyio.to_thread.run_sync(self._load_ca)
        return self._ca

    async def request(
        self,
        account: Account,
        document_id: uuid.UUID | str,
        *,
        client_address: str | None = None,
    ) -> OtpChallenge:
        """Text a code that confirms eSigning this file; the challenge.

        Raises ``DocumentNotFound``, ``AadhaarNotLinked`` (the certificate
        carries the Aadhaar-verified name, so there must be one) or
        ``RateLimited``.
        """
        document = await self.uploads.document(account, document_id)
        _check_verified(account)
        return await self.otp.issue(
            ESIGN,
            account.mobile,
            text="{code} is your OpenLocker code to eSign one of your files. "
            "Do not share it with anyone.",
            account=account,
            payload={"document_id": str(document.id)},
            client_address=client_address,
        )

    async def confirm(
        self, account: Account, challenge_id: uuid.UUID | str, code: str
    ) -> UploadedDocument:
        """Check the code and store the eSigned copy; the new document.

        Raises the OTP's errors, ``DocumentNotFound`` (the file went),
        ``AadhaarNotLinked``, ``QuotaExceeded`` or ``StorageUnavailable``.
        """
        challenge = await self.otp.verify_for(
            account, challenge_id, code, purpose=ESIGN
        )
        original = await self.uploads.document(
            account, str(challenge.payload.get("document_id", ""))
        )
        holder_name = _check_verified(account)
        signed_at = self.clock.now()
        ca = await self.ca()

        with await anyio.to_thread.run_sync(self._scratch) as source:
            await self._copy_plaintext(original, source)
            with await anyio.to_thread.run_sync(self._scratch) as signed:
                await anyio.to_thread.run_sync(
                    self._sign,
                    ca,
                    original.content_type,
                    Path(source.name),
                    signed,
                    holder_name,
                    str(account.id),
                    signed_at,
                )
                size = await anyio.to_thread.run_sync(_size_of, signed)
                copy = await self._reserve_copy(account, original, size, challenge)
                try:
                    stored = await self.uploads.store_file(copy.object_key, signed)
                    finished = await UploadedDocument.filter(
                        id=copy.id, status=RECEIVING
                    ).update(
                        status=READY,
                        sha256=stored.sha256,
                        wrapped_key=stored.wrapped_key,
                        expires_at=None,
                    )
                    if not finished:
                        raise NotSignable(
                            "The signed copy could not be kept; try again."
                        )
                except BaseException:
                    with anyio.CancelScope(shield=True):
                        await self.uploads.discard(copy)
                    raise

        logger.info(
            "upload self-attested",
            extra={"upload_id": str(original.id), "copy_id": str(copy.id)},
        )
        return await self.uploads.document(account, copy.id)

    async def verify(
        self, account: Account, document_id: uuid.UUID | str
    ) -> SignatureVerdict:
        """Check the signature of one of the resident's PDFs."""
        document = await self.uploads.document(account, document_id)
        if document.content_type != PDF:
            return SignatureVerdict(
                valid=False, reasons=["This file is an image, not a signed PDF."]
            )
        ca = await self.ca()
        with await anyio.to_thread.run_sync(self._scratch) as file:
            await self._copy_plaintext(document, file)
            await anyio.to_thread.run_sync(file.seek, 0)
            return await anyio.to_thread.run_sync(
                lambda: verify_signed_pdf(file, ca_certificate_pem=ca.certificate_pem)
            )

    async def _reserve_copy(
        self,
        account: Account,
        original: UploadedDocument,
        size: int,
        challenge: OtpChallenge,
    ) -> UploadedDocument:
        """Spend the OTP, count the copy's bytes and create its row, or none of it."""
        now = self.clock.now()
        copy_id = uuid.uuid4()
        async with in_transaction() as connection:
            await self.otp.consume(challenge, using_db=connection)
            await self.uploads.reserve(account.id, size, connection)
            return await UploadedDocument.create(
                id=copy_id,
                account_id=account.id,
                status=RECEIVING,
                name=_signed_name(original.name),
                description=original.description,
                doc_type=original.doc_type,
                folder=original.folder,
                size=size,
                content_type=PDF,
                # an image becomes one page
                pages=original.pages or 1,
                object_key=f"uploads/{copy_id}",
                created_at=now,
                updated_at=now,
                expires_at=now + self.uploads.window,
                signed_from_id=original.id,
                signer_name=account.verified_name,
                signed_at=now,
                using_db=connection,
            )

    async def _copy_plaintext(self, document: UploadedDocument, file: BinaryIO) -> None:
        async with aclosing(await self.uploads.content(document)) as chunks:
            async for chunk in chunks:
                await anyio.to_thread.run_sync(file.write, chunk)
        await anyio.to_thread.run_sync(file.flush)

    def _scratch(self) -> BinaryIO:
        return self.uploads.scratch_file()

    def _sign(
        self,
        ca: LockerCA,
        content_type: str,
        source: Path,
        output: BinaryIO,
        holder_name: str,
        account_id: str,
        signed_at: datetime,
    ) -> None:
        pdf = source
        if content_type != PDF:
            with tempfile.NamedTemporaryFile(dir=source.parent, suffix=".pdf") as page:
                image_to_pdf(source, cast(BinaryIO, page))
                page.flush()
                self._sign(
                    ca, PDF, Path(page.name), output, holder_name, account_id, signed_at
                )
                return
        esign_pdf(
            pdf,
            output,
            ca=ca,
            holder_name=holder_name,
            account_id=account_id,
            signed_at=signed_at,
        )
        output.flush()


def _check_verified(account: Account) -> str:
    if not account.verified_name:
        raise AadhaarNotLinked(
            "Link your Aadhaar first: an eSign carries your verified name."
        )
    return account.verified_name


def _size_of(file: BinaryIO) -> int:
    file.flush()
    return file.seek(0, 2)


def _signed_name(name: str) -> str:
    stem = name.rsplit(".", 1)[0] if "." in name else name
    suffix = " (self-attested).pdf"
    return stem[: MAX_NAME_CHARS - len(suffix)] + suffix
