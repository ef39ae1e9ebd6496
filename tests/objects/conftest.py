"""Fixtures for the object storage tests: every backend, empty for every test.

``backend`` runs a test once per backend: a local folder under ``tmp_path``,
and an S3 bucket in moto's ``ThreadedMotoServer`` on 127.0.0.1. The moto
server starts once per test module, in a child process: in this process
tracemalloc would also count moto's own copies of the objects (it joins a
multipart upload's parts in memory), and the memory tests measure the locker's
side only. moto is reset before every test, and the bucket made again.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import aioboto3
import httpx
import pytest

from services.objects import LocalObjectStore, ObjectStore, S3ObjectStore
from services.objects.s3 import MIN_PART_SIZE
from tests.objects.moto_process import serve

if TYPE_CHECKING:
    from types_aiobotocore_s3.client import S3Client

BUCKET = "locker-objects"
REGION = "ap-south-1"
ACCESS_KEY_ID = "test-access-key"
SECRET_ACCESS_KEY = "test-secret-key"


@dataclass
class Backend:
    """A store under test, and a way to see everything it has left behind."""

    name: str
    store: ObjectStore
    leftovers: Callable[[], Awaitable[list[str]]]


@pytest.fixture(scope="module")
def moto_endpoint() -> Iterator[str]:
    """moto's S3 server on 127.0.0.1, in a child process for this module."""
    context = multiprocessing.get_context("spawn")
    parent_end, child_end = context.Pipe()
    process = context.Process(target=serve, args=(child_end,), daemon=True)
    process.start()
    child_end.close()
    try:
        if not parent_end.poll(60):
            raise RuntimeError("moto's server did not start within a minute")
        host, port = parent_end.recv()
        yield f"http://{host}:{port}"
    finally:
        parent_end.close()
        process.join(30)


@pytest.fixture
def local_backend(tmp_path: Path) -> Backend:
    """A local store in an empty folder."""
    root = tmp_path / "objects"

    async def leftovers() -> list[str]:
        return sorted(
            str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()
        )

    return Backend("local", LocalObjectStore(root), leftovers)


@dataclass
class S3Clients:
    """The store under test, and a client of its own to look into the bucket."""

    store: S3ObjectStore
    inspector: S3Client


@pytest.fixture(scope="module")
async def s3_clients(moto_endpoint: str) -> AsyncIterator[S3Clients]:
    """One S3 store (5 MiB parts, so tests stay small) for the whole module."""
    store = S3ObjectStore(
        bucket=BUCKET,
        region=REGION,
        access_key_id=ACCESS_KEY_ID,
        secret_access_key=SECRET_ACCESS_KEY,
        endpoint_url=moto_endpoint,
        part_size=MIN_PART_SIZE,
    )
    session = aioboto3.Session(
        aws_access_key_id=ACCESS_KEY_ID,
        aws_secret_access_key=SECRET_ACCESS_KEY,
        region_name=REGION,
    )
    with pytest.MonkeyPatch.context() as monkeypatch:
        # Whatever proxy the environment names, the tests talk to 127.0.0.1 only.
        monkeypatch.setenv("NO_PROXY", "127.0.0.1")
        async with store, session.client("s3", endpoint_url=moto_endpoint) as s3:
            yield S3Clients(store, s3)


@pytest.fixture
async def s3_backend(moto_endpoint: str, s3_clients: S3Clients) -> Backend:
    """The S3 store over an empty bucket."""
    async with httpx.AsyncClient(trust_env=False) as http:
        response = await http.post(f"{moto_endpoint}/moto-api/reset")
        response.raise_for_status()
    await s3_clients.store.ensure_bucket()
    s3 = s3_clients.inspector

    async def leftovers() -> list[str]:
        objects = await s3.list_objects_v2(Bucket=BUCKET)
        uploads = await s3.list_multipart_uploads(Bucket=BUCKET)
        return sorted(
            [item["Key"] for item in objects.get("Contents", [])]
            + [
                f"pending upload of {item['Key']}"
                for item in uploads.get("Uploads", [])
            ]
        )

    return Backend("s3", s3_clients.store, leftovers)


@pytest.fixture(params=["local_backend", "s3_backend"])
def backend(request: pytest.FixtureRequest) -> Backend:
    """Each backend in turn."""
    found: Backend = request.getfixturevalue(request.param)
    return found
