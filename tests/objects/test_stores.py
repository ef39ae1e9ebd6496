"""The storage contract, run over every backend (local folder and S3 on moto)."""

from __future__ import annotations

import hashlib
import stat
from collections.abc import AsyncIterator
from contextlib import aclosing
from pathlib import Path

import anyio
import anyio.lowlevel
import httpx
import pytest
from botocore.exceptions import ClientError

from services.objects import (
    InvalidObjectKey,
    ObjectMissing,
    S3ObjectStore,
    validate_key,
)
from tests.objects.conftest import BUCKET, REGION, Backend, S3Clients
from tests.objects.helpers import (
    MiB,
    UploadInterrupted,
    failing_after,
    generated,
    read_all,
    sample_bytes,
    stream,
)

KEY = "uploads/3f1c9a52-6a8e-4d0b-9a57-0c2b7f1e8d44"
NOT_PLAIN_KEYS = [
    "",
    "/uploads/a",
    "../etc/passwd",
    "uploads/../../etc/passwd",
    "uploads/./a",
    "uploads//a",
    "uploads/a/",
    "uploads/.hidden",
    "uploads\\a",
    "uploads/a\nb",
    "uploads/a\x00",
    "uploads/" + "a" * 600,
]


@pytest.mark.parametrize("size", [0, 1, 10 * 1000 * 1000 + 1])
async def test_store_gives_back_exactly_the_bytes_put(
    backend: Backend, size: int
) -> None:
    data = sample_bytes(size)

    stored = await backend.store.put(KEY, stream(data))

    assert await read_all(backend.store.get(KEY)) == data
    assert stored.key == KEY
    assert stored.size == size
    assert stored.sha256 == hashlib.sha256(data).hexdigest()


async def test_put_replaces_the_object_under_the_same_key(backend: Backend) -> None:
    await backend.store.put(KEY, stream(b"first version"))

    await backend.store.put(KEY, stream(b"second"))

    assert await read_all(backend.store.get(KEY)) == b"second"
    assert await backend.leftovers() == [KEY]


@pytest.mark.parametrize("fails_after", [3 * MiB, 11 * MiB])
async def test_put_that_fails_half_way_leaves_nothing_behind(
    backend: Backend, fails_after: int
) -> None:
    # After 11 MiB, S3 has already received two parts of a multipart upload.
    with pytest.raises(UploadInterrupted):
        await backend.store.put(KEY, failing_after(fails_after))

    assert await backend.leftovers() == []
    assert not await backend.store.exists(KEY)


async def test_put_cancelled_half_way_leaves_nothing_behind(backend: Backend) -> None:
    with anyio.CancelScope() as scope:

        async def cancelled_after_one_part() -> AsyncIterator[bytes]:
            async for chunk in generated(6 * MiB):
                yield chunk
            scope.cancel()
            await anyio.lowlevel.checkpoint()
            yield b"never sent"

        await backend.store.put(KEY, cancelled_after_one_part())

    assert scope.cancelled_caught
    assert await backend.leftovers() == []


async def test_get_of_a_missing_object_raises_object_missing(
    backend: Backend,
) -> None:
    with pytest.raises(ObjectMissing):
        await read_all(backend.store.get("uploads/never-stored"))


async def test_reader_may_stop_early_and_close(backend: Backend) -> None:
    await backend.store.put(KEY, generated(3 * MiB))

    async with aclosing(backend.store.get(KEY)) as chunks:
        first = await anext(chunks)

    assert first
    await backend.store.delete(KEY)
    assert await backend.leftovers() == []


async def test_delete_removes_the_object_and_may_be_repeated(
    backend: Backend,
) -> None:
    await backend.store.put(KEY, stream(b"a resident's rent agreement"))
    assert await backend.store.exists(KEY)

    await backend.store.delete(KEY)
    await backend.store.delete(KEY)

    assert not await backend.store.exists(KEY)
    assert await backend.leftovers() == []
    with pytest.raises(ObjectMissing):
        await read_all(backend.store.get(KEY))


@pytest.mark.parametrize("key", NOT_PLAIN_KEYS)
async def test_store_refuses_keys_that_are_not_plain_names(
    backend: Backend, key: str
) -> None:
    with pytest.raises(InvalidObjectKey):
        await backend.store.put(key, stream(b"x"))
    with pytest.raises(InvalidObjectKey):
        await read_all(backend.store.get(key))
    with pytest.raises(InvalidObjectKey):
        await backend.store.delete(key)
    with pytest.raises(InvalidObjectKey):
        await backend.store.exists(key)

    assert await backend.leftovers() == []


def test_plain_keys_pass_validation() -> None:
    assert validate_key(KEY) == KEY
    assert validate_key("renditions/in.gov.cbse/SSCER-2019-1234.pdf")


async def test_local_store_keeps_objects_readable_by_the_server_only(
    local_backend: Backend, tmp_path: Path
) -> None:
    await local_backend.store.put(KEY, stream(b"a resident's PAN card scan"))

    mode = (tmp_path / "objects" / KEY).stat().st_mode

    assert stat.S_IMODE(mode) == 0o600
    assert await local_backend.leftovers() == [KEY]


async def test_s3_store_creates_its_bucket_only_when_asked(
    s3_clients: S3Clients, moto_endpoint: str
) -> None:
    async with httpx.AsyncClient(trust_env=False) as http:
        (await http.post(f"{moto_endpoint}/moto-api/reset")).raise_for_status()
    store = s3_clients.store

    with pytest.raises(ClientError, match="NoSuchBucket"):
        await store.put(KEY, stream(b"x"))
    await store.ensure_bucket()
    await store.ensure_bucket()

    assert (await store.put(KEY, stream(b"x"))).size == 1


async def test_s3_store_must_be_opened_before_use() -> None:
    store = S3ObjectStore(
        bucket=BUCKET,
        region=REGION,
        access_key_id="unused",
        secret_access_key="unused",
        endpoint_url="http://127.0.0.1:9",
    )

    with pytest.raises(RuntimeError, match="not open"):
        await store.exists(KEY)
