"""Objects encrypted at rest, over every backend: round trips, tampering, keys."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncGenerator, AsyncIterable, Callable

import anyio
import pytest

from services.objects import (
    EncryptedObjects,
    MasterKey,
    ObjectCorrupted,
    ObjectMissing,
    ObjectStore,
    StoredObject,
    WrappedKeyRejected,
)
from tests.objects.conftest import Backend
from tests.objects.helpers import (
    MiB,
    UploadInterrupted,
    digest_of,
    failing_after,
    generated,
    read_all,
    sample_bytes,
    stream,
    traced_memory,
)

KEY = "uploads/9b2e4c1d-0f6a-4e83-b7d5-2a9c8e1f3b60"
OTHER_KEY = "uploads/5d7a0e3b-8c4f-4a19-9e62-7b1d3f0c2a85"
LEASE_DEED = b"Leave and licence agreement, flat 402, Sector 21, Navi Mumbai. " * 2000


@pytest.fixture
def objects(backend: Backend) -> EncryptedObjects:
    """Encrypted objects over the backend under test, with a fresh master key."""
    return EncryptedObjects(backend.store, MasterKey.generate())


async def read_until_failure(
    chunks: AsyncIterable[bytes],
) -> tuple[bytes, BaseException | None]:
    """What a reader receives before the stream fails, and how it fails."""
    received = bytearray()
    try:
        async for chunk in chunks:
            received += chunk
    except Exception as error:
        return bytes(received), error

    return bytes(received), None


async def rewrite(
    store: ObjectStore, key: str, change: Callable[[bytes], bytes]
) -> None:
    """Replace the stored ciphertext of ``key`` with ``change(ciphertext)``."""
    ciphertext = await read_all(store.get(key))
    await store.put(key, stream(change(ciphertext)))


@pytest.mark.parametrize("size", [0, 1, 10 * 1000 * 1000 + 1])
async def test_encrypted_object_reads_back_as_the_plaintext_put(
    objects: EncryptedObjects, size: int
) -> None:
    plaintext = sample_bytes(size)

    stored = await objects.put(KEY, stream(plaintext))

    assert await read_all(objects.get(KEY, stored.wrapped_key)) == plaintext
    assert stored.key == KEY
    assert stored.size == size
    assert stored.sha256 == hashlib.sha256(plaintext).hexdigest()


async def test_stored_bytes_do_not_show_the_plaintext(
    objects: EncryptedObjects, backend: Backend
) -> None:
    await objects.put(KEY, stream(LEASE_DEED))

    ciphertext = await read_all(backend.store.get(KEY))

    assert b"Navi Mumbai" not in ciphertext
    assert len(ciphertext) > len(LEASE_DEED)


async def test_the_same_bytes_put_twice_are_stored_differently(
    objects: EncryptedObjects, backend: Backend
) -> None:
    first = await objects.put(KEY, stream(LEASE_DEED))
    second = await objects.put(OTHER_KEY, stream(LEASE_DEED))

    assert await read_all(backend.store.get(KEY)) != await read_all(
        backend.store.get(OTHER_KEY)
    )
    assert first.wrapped_key != second.wrapped_key
    assert first.sha256 == second.sha256


@pytest.mark.parametrize(
    "offset",
    [0, 40, 1000, MiB + 100, -1],
    ids=["header", "segment-header", "first-segment", "second-segment", "last-byte"],
)
async def test_a_changed_byte_is_detected(
    objects: EncryptedObjects, backend: Backend, offset: int
) -> None:
    plaintext = sample_bytes(3 * MiB)
    stored = await objects.put(KEY, stream(plaintext))

    def flip_one_bit(ciphertext: bytes) -> bytes:
        changed = bytearray(ciphertext)
        changed[offset] ^= 0x01
        return bytes(changed)

    await rewrite(backend.store, KEY, flip_one_bit)
    received, error = await read_until_failure(objects.get(KEY, stored.wrapped_key))

    assert isinstance(error, ObjectCorrupted)
    assert len(received) < len(plaintext)
    assert plaintext.startswith(received)


@pytest.mark.parametrize(
    "keep",
    [0, 10, 500_000, 2 * MiB, -16, -1],
    ids=["empty", "inside-header", "first-segment", "segment-boundary", "tag", "one"],
)
async def test_a_truncated_object_never_reads_as_complete(
    objects: EncryptedObjects, backend: Backend, keep: int
) -> None:
    plaintext = sample_bytes(3 * MiB)
    stored = await objects.put(KEY, stream(plaintext))

    await rewrite(backend.store, KEY, lambda ciphertext: ciphertext[:keep])
    received, error = await read_until_failure(objects.get(KEY, stored.wrapped_key))

    # Whole segments before the cut may arrive, each authenticated; the end
    # never does, so the reader always learns that the object is incomplete.
    assert isinstance(error, ObjectCorrupted)
    assert len(received) < len(plaintext)
    assert plaintext.startswith(received)


async def test_objects_swapped_in_storage_are_detected(
    objects: EncryptedObjects, backend: Backend
) -> None:
    first = await objects.put(KEY, stream(b"Class X marksheet, invented student"))
    second = await objects.put(OTHER_KEY, stream(b"Electricity bill, invented flat"))
    first_ciphertext = await read_all(backend.store.get(KEY))
    second_ciphertext = await read_all(backend.store.get(OTHER_KEY))

    await backend.store.put(KEY, stream(second_ciphertext))
    await backend.store.put(OTHER_KEY, stream(first_ciphertext))

    # Neither the key that was stored with the row, nor the one that travelled
    # with the bytes, opens the object under its new name.
    for wrapped_key in (first.wrapped_key, second.wrapped_key):
        with pytest.raises(ObjectCorrupted):
            await read_all(objects.get(KEY, wrapped_key))


async def test_rewrapped_key_opens_with_the_new_master_key_only(
    backend: Backend,
) -> None:
    old_master, new_master = MasterKey.generate(), MasterKey.generate()
    stored = await EncryptedObjects(backend.store, old_master).put(
        KEY, stream(LEASE_DEED)
    )
    ciphertext_before = await read_all(backend.store.get(KEY))

    rewrapped = EncryptedObjects.rewrap(stored.wrapped_key, old_master, new_master)

    after_rotation = EncryptedObjects(backend.store, new_master)
    assert await read_all(after_rotation.get(KEY, rewrapped)) == LEASE_DEED
    assert await read_all(backend.store.get(KEY)) == ciphertext_before
    with pytest.raises(WrappedKeyRejected):
        await read_all(EncryptedObjects(backend.store, old_master).get(KEY, rewrapped))
    with pytest.raises(WrappedKeyRejected):
        await read_all(after_rotation.get(KEY, stored.wrapped_key))


async def test_rewrap_refuses_a_key_the_old_master_did_not_wrap(
    objects: EncryptedObjects,
) -> None:
    stored = await objects.put(KEY, stream(LEASE_DEED))

    with pytest.raises(WrappedKeyRejected):
        EncryptedObjects.rewrap(
            stored.wrapped_key, MasterKey.generate(), MasterKey.generate()
        )


async def test_encrypted_put_that_fails_half_way_leaves_nothing_behind(
    objects: EncryptedObjects, backend: Backend
) -> None:
    with pytest.raises(UploadInterrupted):
        await objects.put(KEY, failing_after(3 * MiB))

    assert await backend.leftovers() == []


async def test_reading_a_missing_encrypted_object_raises_object_missing(
    objects: EncryptedObjects,
) -> None:
    stored = await objects.put(KEY, stream(b"kept"))
    await objects.delete(KEY)

    with pytest.raises(ObjectMissing):
        await read_all(objects.get(KEY, stored.wrapped_key))


@pytest.mark.parametrize("encrypted", [False, True], ids=["plain", "encrypted"])
async def test_memory_stays_bounded_for_a_50_mb_object(
    backend: Backend, encrypted: bool
) -> None:
    size = 50 * 1000 * 1000
    expected = await digest_of(generated(size, seed=7))
    objects = EncryptedObjects(backend.store, MasterKey.generate())

    with traced_memory() as peak:
        if encrypted:
            stored = await objects.put(KEY, generated(size, seed=7))
            read_back = await digest_of(objects.get(KEY, stored.wrapped_key))
        else:
            await backend.store.put(KEY, generated(size, seed=7))
            read_back = await digest_of(backend.store.get(KEY))
        peak_bytes = peak()

    assert read_back == expected
    assert peak_bytes < 16 * MiB


class StallingStore:
    """A store whose reads hand over one chunk, then stall until cancelled."""

    def __init__(self, inner: ObjectStore, stalled: Callable[[], None]) -> None:
        self.inner = inner
        self.stalled = stalled

    async def put(self, key: str, chunks: AsyncIterable[bytes]) -> StoredObject:
        return await self.inner.put(key, chunks)

    async def get(self, key: str) -> AsyncGenerator[bytes, None]:
        async for chunk in self.inner.get(key):
            yield chunk
            break
        self.stalled()
        await anyio.Event().wait()

    async def delete(self, key: str) -> None:
        await self.inner.delete(key)

    async def exists(self, key: str) -> bool:
        return await self.inner.exists(key)


async def test_a_cancelled_read_lets_go_while_storage_stalls(
    local_backend: Backend,
) -> None:
    with anyio.fail_after(30), anyio.CancelScope() as scope:
        master = MasterKey.generate()
        stalling = StallingStore(local_backend.store, scope.cancel)
        objects = EncryptedObjects(stalling, master)
        stored = await objects.put(KEY, generated(3 * MiB))

        await read_all(objects.get(KEY, stored.wrapped_key))

    assert scope.cancelled_caught


async def test_reads_cancelled_before_their_thread_starts_let_everything_go(
    local_backend: Backend,
) -> None:
    # A browser that cancels a download cancels the read between two chunks,
    # often before the worker thread took the next call up. Sixty of them
    # must leave no worker thread waiting, or later reads would starve.
    objects = EncryptedObjects(local_backend.store, MasterKey.generate())
    stored = await objects.put(KEY, generated(3 * MiB))

    with anyio.fail_after(60):
        for _ in range(60):
            reader = objects.get(KEY, stored.wrapped_key)
            await anext(reader)
            with anyio.CancelScope() as scope:
                scope.cancel()
                await anext(reader)
            assert scope.cancelled_caught
            await reader.aclose()

        plaintext = await read_all(objects.get(KEY, stored.wrapped_key))

    assert hashlib.sha256(plaintext).hexdigest() == stored.sha256
