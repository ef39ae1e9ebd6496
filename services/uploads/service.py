"""Residents' own files: a two-step intake with an exact, atomic quota.

An upload is two requests. ``begin`` (the ``startUpload`` mutation) checks the
name, folder and declared size, and reserves that many bytes of the
resident's quota in the same transaction that creates a ``pending`` row; it
answers with the URL the bytes go to. ``receive`` (``PUT /uploads/<id>``)
claims the row, streams the body into a private scratch file, stops as soon
as the body runs past the declared size, decides the type from the content,
proves that the file opens, and only then streams it, encrypted, into the
object store and marks the row ``ready``.

The quota is one counter per account, ``Account.storage_used``, moved only by
conditional ``UPDATE``s (``storage_used <= quota - size``): the database
decides between concurrent uploads from any number of processes, so they can
never pass the quota together. Every way an upload can end without a ready
document (a refused file, a dropped connection, a failing store, a window
that ran out) deletes the object, deletes the row and gives the reserved
bytes back, each exactly once: the row's deletion is conditional, and only
the caller whose deletion took effect gives the bytes back. A process that
dies mid-upload leaves a row whose window runs out; ``sweep`` (run on the
resident's next upload, and periodically) cleans it up.

The scratch file holds plaintext for the seconds the checks take. It lives in
a folder only the server's user can read, and is deleted when the upload
ends, however it ends; the stored object is encrypted.
"""

from __future__ import annotations

import logging
import os
import tempfile
import time
import unicodedata
import uuid
from collections.abc import AsyncGenerator, AsyncIterable
from contextlib import aclosing, suppress
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import BinaryIO, cast

import anyio
import anyio.to_thread
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import F, Q
from tortoise.transactions import in_transaction

from adapters.registry import AdapterRegistry
from config.settings import Settings
from models import Account, UploadedDocument
from services.clock import Clock
from services.errors import (
    DocumentNotFound,
    EmptyFile,
    FileTooLarge,
    InvalidArgument,
    LockerError,
    QuotaExceeded,
    StorageUnavailable,
    UnknownDocType,
    UploadIncomplete,
    UploadNotFound,
)
from services.objects import EncryptedObject, EncryptedObjects, ObjectStoreError
from services.paging import decode_cursor, encode_cursor
from services.uploads.inspect import (
    SNIFF_BYTES,
    FileFacts,
    FileKind,
    check_name,
    inspect_file,
    sniff,
)
from services.uploads.names import clean_display_name, clean_folder

logger = logging.getLogger(__name__)

PENDING = "pending"
RECEIVING = "receiving"
READY = "ready"
UNFINISHED = (PENDING, RECEIVING)

MAX_DESCRIPTION_CHARS = 500
# Scratch writes and store reads go in pieces of this size: big enough that
# worker-thread hops cost little, small enough to keep memory flat.
_CHUNK = 256 * 1024


@dataclass(frozen=True)
class UploadSlot:
    """Where to send an upload's bytes, and until when."""

    document: UploadedDocument
    url: str
    expires_at: datetime


@dataclass(frozen=True)
class StorageUsage:
    """A resident's storage: bytes used (uploads in progress included)."""

    used_bytes: int
    quota_bytes: int
    max_file_bytes: int

    @property
    def available_bytes(self) -> int:
        return max(0, self.quota_bytes - self.used_bytes)


@dataclass(frozen=True)
class UploadPage:
    items: list[UploadedDocument]
    cursors: list[str]
    end_cursor: str | None
    has_next_page: bool
    total_count: int


@dataclass(frozen=True)
class UploadFilter:
    """Which uploads a list shows; ``None`` means any."""

    folder: str | None = None
    doc_type: str | None = None
    content_type: str | None = None
    self_attested: bool | None = None
    name_contains: str | None = None


class UploadService:
    """Residents' uploaded files: intake, quota, listing, changes, content."""

    def __init__(
        self,
        settings: Settings,
        objects: EncryptedObjects,
        registry: AdapterRegistry,
        clock: Clock,
    ) -> None:
        self.settings = settings
        self.objects = objects
        self.registry = registry
        self.clock = clock

    # -- quota -------------------------------------------------------------

    async def usage(self, account: Account) -> StorageUsage:
        """The resident's storage now (after giving back expired reservations)."""
        await self.sweep(account_id=account.id)
        await account.refresh_from_db(fields=["storage_used"])
        return StorageUsage(
            used_bytes=account.storage_used,
            quota_bytes=self.settings.quota_bytes,
            max_file_bytes=self.settings.max_upload_bytes,
        )

    async def reserve(
        self, account_id: uuid.UUID, size: int, connection: BaseDBAsyncClient
    ) -> None:
        """Count ``size`` bytes against the quota, or raise ``QuotaExceeded``."""
        updated = (
            await Account.filter(
                id=account_id, storage_used__lte=self.settings.quota_bytes - size
            )
            .using_db(connection)
            .update(storage_used=F("storage_used") + size)
        )
        if not updated:
            raise QuotaExceeded(
                "This file would take you past your storage of "
                f"{_megabytes(self.settings.quota_bytes)}: delete some files "
                "first.",
                field="size",
            )

    async def _release(
        self, account_id: uuid.UUID, size: int, connection: BaseDBAsyncClient
    ) -> None:
        await (
            Account.filter(id=account_id)
            .using_db(connection)
            .update(storage_used=F("storage_used") - size)
        )

    # -- intake ------------------------------------------------------------

    async def begin(
        self,
        account: Account,
        *,
        name: str,
        size: int,
        folder: str = "",
        description: str = "",
        doc_type: str | None = None,
    ) -> UploadSlot:
        """Reserve ``size`` bytes and a row for a file the resident will send.

        Raises ``InvalidFileName``, ``InvalidFolder``, ``InvalidArgument`` (a
        description too long), ``UnknownDocType``, ``EmptyFile``,
        ``FileTooLarge`` or ``QuotaExceeded``; nothing is kept then.
        """
        display_name = clean_display_name(name)
        folder = clean_folder(folder)
        description = _clean_description(description)
        doc_type = self._known_doc_type(doc_type)
        if size < 1:
            raise EmptyFile("An empty file cannot be uploaded.", field="size")
        if size > self.settings.max_upload_bytes:
            raise FileTooLarge(
                f"Files can be at most {_megabytes(self.settings.max_upload_bytes)}.",
                field="size",
            )

        await self.sweep(account_id=account.id)
        now = self.clock.now()
        document_id = uuid.uuid4()
        async with in_transaction() as connection:
            await self.reserve(account.id, size, connection)
            document = await UploadedDocument.create(
                id=document_id,
                account_id=account.id,
                status=PENDING,
                name=display_name,
                description=description,
                doc_type=doc_type,
                folder=folder,
                size=size,
                object_key=f"uploads/{document_id}",
                created_at=now,
                updated_at=now,
                expires_at=now + self.window,
                using_db=connection,
            )

        return UploadSlot(
            document=document,
            url=f"{self.settings.base_url}/uploads/{document.id}",
            expires_at=now + self.window,
        )

    async def receive(
        self,
        account: Account,
        upload_id: uuid.UUID,
        body: AsyncIterable[bytes],
        *,
        declared_length: int | None = None,
    ) -> UploadedDocument:
        """Take the bytes of an upload ``begin`` started; the ready document.

        ``declared_length`` is the request's Content-Length, if it sent one: a
        mismatch with the size given to ``begin`` is refused before a byte is
        read. Raises ``UploadNotFound``, ``UploadIncomplete``, the content
        checks' errors or ``StorageUnavailable``; then nothing is kept and the
        reserved bytes are given back.
        """
        now = self.clock.now()
        claimed = await UploadedDocument.filter(
            id=upload_id, account_id=account.id, status=PENDING, expires_at__gt=now
        ).update(status=RECEIVING, updated_at=now, expires_at=now + self.window)
        if not claimed:
            raise UploadNotFound(
                "No upload is waiting for these bytes: it finished, failed or ran "
                "out of time. Start it again with `startUpload`."
            )
        document = await UploadedDocument.get(id=upload_id)

        try:
            if (
                declared_length is not None
                and declared_length > self.settings.max_upload_bytes
            ):
                raise FileTooLarge(
                    "Files can be at most "
                    f"{_megabytes(self.settings.max_upload_bytes)}."
                )
            if declared_length is not None and declared_length != document.size:
                raise UploadIncomplete(
                    f"This upload was started for {document.size} bytes but the "
                    f"request declares {declared_length}; start it again with the "
                    "file's exact size."
                )
            with await anyio.to_thread.run_sync(self.scratch_file) as scratch:
                # A client that stalls must not hold a scratch file (and a
                # connection) past the window it was given.
                with anyio.move_on_after(self.settings.upload_window_seconds) as wait:
                    await self._take_body(document, body, scratch)
                if wait.cancelled_caught:
                    raise UploadIncomplete(
                        "The file did not arrive within the upload's time; start "
                        "it again."
                    )
                facts = await anyio.to_thread.run_sync(
                    self._inspect, Path(scratch.name)
                )
                stored = await self.store_file(document.object_key, scratch)
            await self._finish(document, stored, facts)
        except BaseException:
            with anyio.CancelScope(shield=True):
                await self.discard(document)
            raise

        logger.info(
            "upload stored",
            extra={"upload_id": str(document.id), "size": document.size},
        )
        return document

    async def _take_body(
        self,
        document: UploadedDocument,
        body: AsyncIterable[bytes],
        scratch: BinaryIO,
    ) -> None:
        """Copy the body to ``scratch``, checking its size and its type early."""
        received = 0
        head = b""
        checked = False
        pending = bytearray()
        async for chunk in body:
            received += len(chunk)
            if received > document.size:
                raise UploadIncomplete(
                    f"The body runs past the {document.size} bytes this upload was "
                    "started for; start it again with the file's exact size."
                )
            if not checked:
                head += chunk[: SNIFF_BYTES - len(head)]
                if len(head) >= SNIFF_BYTES:
                    check_name(document.name, sniff(head))
                    checked = True
            pending += chunk
            if len(pending) >= _CHUNK:
                await anyio.to_thread.run_sync(scratch.write, bytes(pending))
                pending.clear()
        if received < document.size:
            raise UploadIncomplete(
                f"The body ended after {received} of the {document.size} bytes this "
                "upload was started for; start it again."
            )
        if not checked:
            check_name(document.name, sniff(head))
        await anyio.to_thread.run_sync(scratch.write, bytes(pending))
        await anyio.to_thread.run_sync(scratch.flush)

    def _clean_scratch(self) -> None:
        folder = self.settings.scratch_dir
        if not folder.is_dir():
            return
        cutoff = time.time() - self.settings.upload_window_seconds
        for leftover in folder.iterdir():
            with suppress(FileNotFoundError):
                if leftover.stat().st_mtime < cutoff:
                    leftover.unlink()
                    logger.info("deleted a scratch file left by a stopped upload")

    def _inspect(self, path: Path) -> FileFacts:
        return inspect_file(path, max_image_pixels=self.settings.max_image_pixels)

    def scratch_file(self) -> BinaryIO:
        """A new file in the private scratch folder, deleted when closed."""
        folder = self.settings.scratch_dir
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(folder, 0o700)
        scratch = tempfile.NamedTemporaryFile(dir=folder, prefix="upload-")  # noqa: SIM115
        return cast(BinaryIO, scratch)

    async def store_file(self, key: str, file: BinaryIO) -> EncryptedObject:
        """Stream ``file`` from its start into the encrypted store under ``key``."""
        await anyio.to_thread.run_sync(file.seek, 0)

        async def chunks() -> AsyncGenerator[bytes, None]:
            while piece := await anyio.to_thread.run_sync(file.read, _CHUNK):
                yield piece

        async with aclosing(chunks()) as source:
            return await self.put_object(key, source)

    async def put_object(
        self, key: str, chunks: AsyncIterable[bytes]
    ) -> EncryptedObject:
        """Store ``chunks`` encrypted; a failing store is ``StorageUnavailable``."""
        try:
            return await self.objects.put(key, chunks)
        except LockerError:
            raise
        except (ObjectStoreError, OSError, Exception) as error:
            logger.exception("the object store failed to store an upload")
            raise StorageUnavailable(
                "Your file could not be stored just now; nothing was kept or "
                "counted. Try again in a moment."
            ) from error

    async def _finish(
        self, document: UploadedDocument, stored: EncryptedObject, facts: FileFacts
    ) -> None:
        now = self.clock.now()
        finished = await UploadedDocument.filter(
            id=document.id, status=RECEIVING
        ).update(
            status=READY,
            content_type=facts.content_type,
            sha256=stored.sha256,
            pages=facts.pages,
            wrapped_key=stored.wrapped_key,
            updated_at=now,
            expires_at=None,
        )
        if not finished:
            # The window ran out mid-upload and a sweep gave the space back.
            raise UploadNotFound(
                "This upload ran out of time before it finished; start it again."
            )
        document.status = READY
        document.content_type = facts.content_type
        document.sha256 = stored.sha256
        document.pages = facts.pages
        document.wrapped_key = stored.wrapped_key
        document.updated_at = now
        document.expires_at = None

    async def discard(self, document: UploadedDocument) -> None:
        """Forget an unfinished upload: its object, its row, its reserved bytes."""
        try:
            await self.objects.delete(document.object_key)
        except Exception:
            # The row goes anyway: an orphan object costs disk, not quota, and
            # its key is never reused.
            logger.exception("could not delete the object of a failed upload")
        async with in_transaction() as connection:
            deleted = (
                await UploadedDocument.filter(id=document.id, status__in=UNFINISHED)
                .using_db(connection)
                .delete()
            )
            if deleted:
                await self._release(document.account_id, document.size, connection)

    async def sweep(self, *, account_id: uuid.UUID | None = None) -> int:
        """Discard unfinished uploads whose window ran out; how many there were.

        A full sweep (no ``account_id``) also deletes scratch files older than
        the window: a process killed mid-upload leaves its scratch file behind.
        """
        if account_id is None:
            await anyio.to_thread.run_sync(self._clean_scratch)
        expired = UploadedDocument.filter(
            status__in=UNFINISHED, expires_at__lt=self.clock.now()
        )
        if account_id is not None:
            expired = expired.filter(account_id=account_id)
        documents = await expired
        for document in documents:
            await self.discard(document)
        return len(documents)

    # -- the resident's files ------------------------------------------------

    async def documents(
        self,
        account: Account,
        *,
        first: int,
        after: str | None,
        where: UploadFilter | None = None,
    ) -> UploadPage:
        """The resident's ready files, newest first, ``first`` at a time."""
        query = UploadedDocument.filter(account_id=account.id, status=READY)
        where = where or UploadFilter()
        if where.folder is not None:
            query = query.filter(folder=clean_folder(where.folder))
        if where.doc_type is not None:
            query = query.filter(doc_type=where.doc_type)
        if where.content_type is not None:
            query = query.filter(content_type=where.content_type)
        if where.self_attested is not None:
            query = query.filter(signed_at__isnull=not where.self_attested)
        if where.name_contains:
            query = query.filter(name__icontains=where.name_contains)
        total = await query.count()
        if after is not None:
            created_at, document_id = decode_cursor(after)
            query = query.filter(
                Q(created_at__lt=created_at)
                | Q(created_at=created_at, id__lt=document_id)
            )
        rows = await query.order_by("-created_at", "-id").limit(first + 1)

        items = rows[:first]
        cursors = [encode_cursor(item.created_at, item.id) for item in items]
        return UploadPage(
            items=items,
            cursors=cursors,
            end_cursor=cursors[-1] if cursors else None,
            has_next_page=len(rows) > first,
            total_count=total,
        )

    async def folders(self, account: Account) -> list[str]:
        """The folders the resident's ready files are in, sorted."""
        folders = (
            await UploadedDocument.filter(account_id=account.id, status=READY)
            .distinct()
            .values_list("folder", flat=True)
        )
        return sorted({str(folder) for folder in folders})

    async def document(
        self, account: Account | uuid.UUID, document_id: uuid.UUID | str
    ) -> UploadedDocument:
        """The resident's own ready file; anybody else's is ``DocumentNotFound``."""
        account_id = account.id if isinstance(account, Account) else account
        try:
            wanted = uuid.UUID(str(document_id))
        except ValueError:
            wanted = None
        document = (
            await UploadedDocument.get_or_none(
                id=wanted, account_id=account_id, status=READY
            )
            if wanted is not None
            else None
        )
        if document is None:
            raise DocumentNotFound(
                "You have no uploaded file with this id.", field="id"
            )
        return document

    async def update(
        self,
        account: Account,
        document_id: uuid.UUID | str,
        *,
        name: str | None = None,
        folder: str | None = None,
        description: str | None = None,
        doc_type: str | None = None,
        clear_doc_type: bool = False,
    ) -> UploadedDocument:
        """Rename, move, describe or re-type one of the resident's files."""
        document = await self.document(account, document_id)
        if name is not None:
            renamed = clean_display_name(name)
            # The name a download is saved under must not contradict the
            # content any more than an upload's may (`report.html` for a PDF).
            check_name(renamed, FileKind(document.content_type))
            document.name = renamed
        if folder is not None:
            document.folder = clean_folder(folder)
        if description is not None:
            document.description = _clean_description(description)
        if clear_doc_type:
            document.doc_type = None
        elif doc_type is not None:
            document.doc_type = self._known_doc_type(doc_type)
        document.updated_at = self.clock.now()
        await document.save(
            update_fields=["name", "folder", "description", "doc_type", "updated_at"]
        )
        return document

    async def delete(self, account: Account, document_id: uuid.UUID | str) -> None:
        """Delete one of the resident's files and give its bytes back.

        The object goes first: if the store fails, the file stays listed (and
        counted) and the resident can try again, rather than the space being
        freed while the bytes linger.
        """
        document = await self.document(account, document_id)
        try:
            await self.objects.delete(document.object_key)
        except Exception as error:
            logger.exception("the object store failed to delete an upload")
            raise StorageUnavailable(
                "Your file could not be deleted just now; try again in a moment."
            ) from error
        async with in_transaction() as connection:
            deleted = (
                await UploadedDocument.filter(id=document.id, status=READY)
                .using_db(connection)
                .delete()
            )
            if deleted:
                await self._release(document.account_id, document.size, connection)

    async def content(self, document: UploadedDocument) -> AsyncGenerator[bytes, None]:
        """Stream a ready file's plaintext, checked as it goes.

        The first chunk is read before this returns, so that a missing,
        unreadable or tampered object is an exception here rather than a
        response cut short; a later ``ObjectCorrupted`` means the reader must
        abort what it sent.
        """
        if document.wrapped_key is None:
            raise DocumentNotFound("This file is not ready yet.")
        stream = self.objects.get(document.object_key, document.wrapped_key)
        try:
            first = await anext(stream)
        except StopAsyncIteration:
            first = b""
        except BaseException:
            await stream.aclose()
            raise
        return _prepend(first, stream)

    # -- helpers -----------------------------------------------------------

    @property
    def window(self) -> timedelta:
        return timedelta(seconds=self.settings.upload_window_seconds)

    def _known_doc_type(self, doc_type: str | None) -> str | None:
        if doc_type is None or not doc_type.strip():
            return None
        doc_type = doc_type.strip().upper()
        known = {spec.code for adapter in self.registry for spec in adapter.doc_types}
        if doc_type not in known:
            raise UnknownDocType(
                f"No issuer here declares the document type {doc_type!r}; see "
                "`issuers { docTypes }` for the known ones.",
                field="docType",
            )
        return doc_type


async def _prepend(
    first: bytes, rest: AsyncGenerator[bytes, None]
) -> AsyncGenerator[bytes, None]:
    async with aclosing(rest):
        if first:
            yield first
        async for chunk in rest:
            yield chunk


def _clean_description(description: str) -> str:
    """Keep what the resident wrote, without control characters, within bounds."""
    cleaned = "".join(
        " " if character in "\t\r\n" else character
        for character in unicodedata.normalize("NFC", description)
        if character in "\t\r\n" or unicodedata.category(character) not in {"Cc", "Cf"}
    ).strip()
    if len(cleaned) > MAX_DESCRIPTION_CHARS:
        raise InvalidArgument(
            f"A description can be at most {MAX_DESCRIPTION_CHARS} characters.",
            field="description",
        )
    return cleaned


def _megabytes(size: int) -> str:
    mib = size / (1024 * 1024)
    return f"{mib:g} MiB" if mib < 1024 else f"{mib / 1024:g} GiB"
