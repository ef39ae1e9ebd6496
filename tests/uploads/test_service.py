"""The upload service: exact quota, nothing left behind, on each backend."""

from __future__ import annotations

import hashlib
import io
import os
import random
import time
from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import aclosing

import anyio
import pytest
from PIL import Image
from pydantic import SecretStr
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from models import Account, UploadedDocument
from services.clock import FrozenClock
from services.container import Services, build_services
from services.errors import (
    DocumentNotFound,
    FileTypeMismatch,
    QuotaExceeded,
    StorageUnavailable,
    UploadIncomplete,
    UploadNotFound,
)
from services.objects import ObjectStore, StoredObject
from services.sms import MemorySmsSender
from services.uploads.keys import rewrap_all
from services.uploads.service import UploadFilter
from tests.objects.conftest import Backend
from tests.uploads.conftest import MIB


def rent_agreement(padding: int = 0) -> bytes:
    """A one-page rent agreement between invented people, as a PDF."""
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, invariant=True)
    page.setTitle("Rent agreement")
    page.drawString(72, 760, "RENT AGREEMENT")
    page.drawString(72, 730, "Landlord: Suresh Venkataraman, 14 Gandhi Nagar, Chennai")
    page.drawString(72, 712, "Tenant: Ananya Iyer")
    page.drawString(72, 694, "Monthly rent: Rs 18,500 from 1 January 2027")
    # A photo of the signed page (here: noise, which does not compress) makes
    # the file about ``padding`` bytes larger.
    if padding:
        side = int((padding / 3) ** 0.5) + 1
        noise = random.Random(padding).randbytes(side * side * 3)
        photo = Image.frombytes("RGB", (side, side), noise)
        page.drawImage(ImageReader(photo), 72, 200, width=300, height=300)
    page.showPage()
    page.save()
    return buffer.getvalue()


async def chunked(data: bytes, size: int = 64 * 1024) -> AsyncGenerator[bytes, None]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


async def upload(
    services: Services, account: Account, data: bytes, name: str = "rent.pdf"
) -> UploadedDocument:
    slot = await services.uploads.begin(account, name=name, size=len(data))
    return await services.uploads.receive(account, slot.document.id, chunked(data))


async def read_back(services: Services, document: UploadedDocument) -> bytes:
    async with aclosing(await services.uploads.content(document)) as chunks:
        return b"".join([chunk async for chunk in chunks])


async def used(account: Account) -> int:
    await account.refresh_from_db(fields=["storage_used"])
    return int(account.storage_used)


async def test_an_upload_is_stored_encrypted_and_counted_exactly(
    services: Services, resident: Account, storage: Backend
) -> None:
    data = rent_agreement()

    document = await upload(services, resident, data)

    assert document.status == "ready"
    assert document.content_type == "application/pdf"
    assert document.sha256 == hashlib.sha256(data).hexdigest()
    assert document.pages == 1
    assert await used(resident) == len(data)
    assert await read_back(services, document) == data
    # What the store holds is ciphertext under a key the locker chose.
    assert await storage.leftovers() == [f"uploads/{document.id}"]
    async with aclosing(storage.store.get(document.object_key)) as raw:
        stored = b"".join([chunk async for chunk in raw])
    assert b"Ananya Iyer" not in stored
    assert data not in stored


async def test_the_database_decides_between_uploads_racing_for_the_last_space(
    services: Services, resident: Account
) -> None:
    # 3 MiB of quota: ten uploads of 700 KiB race for it.
    size = 700 * 1024
    results: list[object] = []

    async def start() -> None:
        try:
            results.append(
                await services.uploads.begin(resident, name="scan.pdf", size=size)
            )
        except QuotaExceeded as error:
            results.append(error)

    async with anyio.create_task_group() as group:
        for _ in range(10):
            group.start_soon(start)

    started = [result for result in results if not isinstance(result, Exception)]
    assert len(started) == (3 * MIB) // size == 4
    assert await used(resident) == 4 * size
    assert await UploadedDocument.filter(account_id=resident.id).count() == 4


async def test_two_uploads_for_the_last_megabyte_one_wins(
    services: Services, resident: Account
) -> None:
    await Account.filter(id=resident.id).update(storage_used=2 * MIB)
    sizes = [MIB - 10, MIB - 20]
    outcomes: list[str] = []

    async def start(size: int) -> None:
        try:
            await services.uploads.begin(resident, name="marks.pdf", size=size)
            outcomes.append("started")
        except QuotaExceeded as error:
            outcomes.append(f"refused {error.field}")

    async with anyio.create_task_group() as group:
        for size in sizes:
            group.start_soon(start, size)

    assert sorted(outcomes) == ["refused size", "started"]
    assert await used(resident) in {2 * MIB + size for size in sizes}


class FailingStore:
    """A store that breaks after taking some of an object (a network failure)."""

    def __init__(self, inner: ObjectStore, fail_after: int) -> None:
        self.inner = inner
        self.fail_after = fail_after

    async def put(self, key: str, chunks: AsyncIterator[bytes]) -> StoredObject:
        async def until_failure() -> AsyncGenerator[bytes, None]:
            taken = 0
            async for chunk in chunks:
                taken += len(chunk)
                if taken > self.fail_after:
                    raise ConnectionResetError("connection reset by peer")
                yield chunk

        return await self.inner.put(key, until_failure())

    def get(self, key: str) -> AsyncGenerator[bytes, None]:
        return self.inner.get(key)

    async def delete(self, key: str) -> None:
        await self.inner.delete(key)

    async def exists(self, key: str) -> bool:
        return await self.inner.exists(key)


async def test_a_store_failing_half_way_leaves_nothing_and_counts_nothing(
    db: None,
    upload_settings: object,
    clock: FrozenClock,
    sms: MemorySmsSender,
    storage: Backend,
    resident: Account,
) -> None:
    failing = FailingStore(storage.store, fail_after=256 * 1024)
    services = build_services(
        upload_settings,  # type: ignore[arg-type]
        clock=clock,
        sms=sms,
        object_store=failing,  # type: ignore[arg-type]
    )
    data = rent_agreement(padding=600 * 1024)
    assert len(data) > 600 * 1024

    with pytest.raises(StorageUnavailable):
        await upload(services, resident, data)

    assert await storage.leftovers() == []
    assert await used(resident) == 0
    assert await UploadedDocument.filter(account_id=resident.id).count() == 0
    assert list(services.settings.scratch_dir.iterdir()) == []


async def test_a_body_longer_than_declared_is_refused_without_reading_on(
    services: Services, resident: Account, storage: Backend
) -> None:
    data = rent_agreement()
    slot = await services.uploads.begin(resident, name="rent.pdf", size=len(data))
    sent = 0

    async def endless() -> AsyncGenerator[bytes, None]:
        nonlocal sent
        yield data
        while True:  # a client that would send 2 GB
            sent += 1
            yield b"\0" * 65536

    with pytest.raises(UploadIncomplete):
        await services.uploads.receive(resident, slot.document.id, endless())

    assert sent == 1
    assert await storage.leftovers() == []
    assert await used(resident) == 0


async def test_a_body_shorter_than_declared_is_refused(
    services: Services, resident: Account
) -> None:
    data = rent_agreement()
    slot = await services.uploads.begin(resident, name="rent.pdf", size=len(data))

    with pytest.raises(UploadIncomplete):
        await services.uploads.receive(resident, slot.document.id, chunked(data[:-1]))

    assert await used(resident) == 0


async def test_refused_content_frees_its_reservation_and_scratch(
    services: Services, resident: Account, storage: Backend
) -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 200

    with pytest.raises(FileTypeMismatch):
        await upload(services, resident, png, name="marksheet.pdf")

    assert await storage.leftovers() == []
    assert await used(resident) == 0
    assert list(services.settings.scratch_dir.iterdir()) == []


async def test_a_dropped_connection_frees_everything(
    services: Services, resident: Account, storage: Backend
) -> None:
    data = rent_agreement()
    slot = await services.uploads.begin(resident, name="rent.pdf", size=len(data))

    async def hangs_up() -> AsyncGenerator[bytes, None]:
        yield data[:1000]
        await anyio.sleep(3600)
        yield data[1000:]

    with anyio.move_on_after(0.5):
        await services.uploads.receive(resident, slot.document.id, hangs_up())

    assert await used(resident) == 0
    assert await UploadedDocument.filter(account_id=resident.id).count() == 0
    assert await storage.leftovers() == []


async def test_an_upload_can_be_received_once_and_only_by_its_resident(
    services: Services, resident: Account
) -> None:
    other = await Account.create(
        username="farhan.qureshi", mobile="9876505678", password_hash="x"
    )
    data = rent_agreement()
    slot = await services.uploads.begin(resident, name="rent.pdf", size=len(data))

    with pytest.raises(UploadNotFound):
        await services.uploads.receive(other, slot.document.id, chunked(data))
    await services.uploads.receive(resident, slot.document.id, chunked(data))
    with pytest.raises(UploadNotFound):
        await services.uploads.receive(resident, slot.document.id, chunked(data))

    assert await used(resident) == len(data)
    assert await used(other) == 0


async def test_an_abandoned_upload_gives_its_space_back_when_its_window_ends(
    services: Services, resident: Account, clock: FrozenClock
) -> None:
    slot = await services.uploads.begin(resident, name="rent.pdf", size=MIB)
    assert (await services.uploads.usage(resident)).used_bytes == MIB

    clock.advance(services.settings.upload_window_seconds + 1)

    assert (await services.uploads.usage(resident)).used_bytes == 0
    with pytest.raises(UploadNotFound):
        await services.uploads.receive(resident, slot.document.id, chunked(b"x"))


async def test_deleting_frees_the_space_and_the_object(
    services: Services, resident: Account, storage: Backend
) -> None:
    document = await upload(services, resident, rent_agreement())

    await services.uploads.delete(resident, document.id)

    assert await used(resident) == 0
    assert await storage.leftovers() == []
    with pytest.raises(DocumentNotFound):
        await services.uploads.document(resident, document.id)


async def test_rename_move_and_filters(services: Services, resident: Account) -> None:
    first = await upload(services, resident, rent_agreement(), name="rent.pdf")
    second = await upload(services, resident, rent_agreement(), name="lease.pdf")

    await services.uploads.update(
        resident, first.id, name="Rent agreement 2027.pdf", folder="Housing/Chennai"
    )

    housing = await services.uploads.documents(
        resident, first=10, after=None, where=UploadFilter(folder="Housing/Chennai")
    )
    assert [item.name for item in housing.items] == ["Rent agreement 2027.pdf"]
    assert await services.uploads.folders(resident) == ["", "Housing/Chennai"]
    page = await services.uploads.documents(resident, first=1, after=None)
    rest = await services.uploads.documents(resident, first=1, after=page.end_cursor)
    assert {page.items[0].id, rest.items[0].id} == {first.id, second.id}
    assert page.has_next_page
    assert not rest.has_next_page


async def test_rotating_the_master_key_rewraps_without_rewriting_objects(
    services: Services, resident: Account, storage: Backend, clock: FrozenClock
) -> None:
    from services.objects import MasterKey

    data = rent_agreement()
    document = await upload(services, resident, data)
    old = services.settings.master_key
    new = MasterKey.generate().to_secret()
    rotating = services.settings.model_copy(
        update={"master_key": SecretStr(new), "previous_master_keys": [old]}
    )
    during = build_services(rotating, clock=clock, object_store=storage.store)
    assert await read_back(during, document) == data

    summary = await rewrap_all(during.uploads.objects.master)

    assert "1 files" in summary
    await document.refresh_from_db()
    after = build_services(
        services.settings.model_copy(update={"master_key": SecretStr(new)}),
        clock=clock,
        object_store=storage.store,
    )
    assert await read_back(after, document) == data
    assert await storage.leftovers() == [f"uploads/{document.id}"]


async def test_a_stalled_body_ends_when_the_window_does(
    services: Services, resident: Account, storage: Backend
) -> None:
    services.settings.upload_window_seconds = 1
    data = rent_agreement()
    slot = await services.uploads.begin(resident, name="rent.pdf", size=len(data))

    async def stalls() -> AsyncGenerator[bytes, None]:
        yield data[:100]
        await anyio.sleep(3600)
        yield data[100:]

    with anyio.fail_after(30), pytest.raises(UploadIncomplete):
        await services.uploads.receive(resident, slot.document.id, stalls())

    assert await used(resident) == 0
    assert await storage.leftovers() == []
    assert list(services.settings.scratch_dir.iterdir()) == []


async def test_a_sweep_deletes_scratch_files_a_stopped_process_left(
    services: Services,
) -> None:
    folder = services.settings.scratch_dir
    folder.mkdir(parents=True)
    left = folder / "upload-crashed"
    left.write_bytes(b"%PDF-1.7 plaintext of a stopped upload")
    old = time.time() - services.settings.upload_window_seconds - 60
    os.utime(left, (old, old))
    current = folder / "upload-in-progress"
    current.write_bytes(b"%PDF-1.7 an upload another process is taking")

    await services.uploads.sweep()

    assert sorted(path.name for path in folder.iterdir()) == ["upload-in-progress"]


async def test_a_rename_cannot_contradict_the_content(
    services: Services, resident: Account
) -> None:
    document = await upload(services, resident, rent_agreement())

    with pytest.raises(FileTypeMismatch):
        await services.uploads.update(resident, document.id, name="report.html")

    renamed = await services.uploads.update(
        resident, document.id, name="Rent agreement 2027.pdf"
    )
    assert renamed.name == "Rent agreement 2027.pdf"
