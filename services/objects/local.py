"""Objects as files under one folder on the local disk (the default backend).

A put streams into a hidden temporary file beside the final one, fsyncs it,
renames it into place and fsyncs the folder, so that a reader in any process
sees the whole object or none, and a crash never leaves half an object under a
key. A put that fails or is cancelled removes its temporary file. Blocking file
calls run in worker threads, one chunk at a time.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from collections.abc import AsyncGenerator, AsyncIterable
from pathlib import Path
from typing import BinaryIO

import anyio
import anyio.to_thread

from services.objects.errors import ObjectMissing
from services.objects.store import StoredObject, validate_key

logger = logging.getLogger(__name__)

DEFAULT_READ_CHUNK_SIZE = 1024 * 1024

# Keys never start a part with ".", so these names cannot collide with objects.
_TEMPORARY_PREFIX = ".tmp-"


class LocalObjectStore:
    """Objects as files under ``root``, one file per key.

    ``read_chunk_size`` is the most a ``get`` reads (and yields) at a time.
    Files are created readable by the server's user only.
    """

    def __init__(
        self, root: Path, *, read_chunk_size: int = DEFAULT_READ_CHUNK_SIZE
    ) -> None:
        if read_chunk_size < 1:
            raise ValueError(f"read_chunk_size must be positive, got {read_chunk_size}")
        self.root = root
        self._read_chunk_size = read_chunk_size

    async def put(self, key: str, chunks: AsyncIterable[bytes]) -> StoredObject:
        """Write ``chunks`` to a temporary file, then rename it to ``key``'s path."""
        path = self._path(key)
        digest = hashlib.sha256()
        size = 0

        file, temporary = await anyio.to_thread.run_sync(_create_temporary, path.parent)
        try:
            async for chunk in chunks:
                if chunk:
                    await anyio.to_thread.run_sync(_write, file, digest, chunk)
                    size += len(chunk)
            await anyio.to_thread.run_sync(_commit, file, temporary, path)
        except BaseException:
            # Also on cancellation: the temporary file must not outlive the put.
            with anyio.CancelScope(shield=True):
                await anyio.to_thread.run_sync(_discard, file, temporary)
            raise

        logger.debug("stored object %s (%d bytes)", key, size)
        return StoredObject(key=key, size=size, sha256=digest.hexdigest())

    async def get(self, key: str) -> AsyncGenerator[bytes, None]:
        """Stream the file for ``key`` in chunks of at most ``read_chunk_size``."""
        path = self._path(key)
        try:
            file = await anyio.open_file(path, "rb")
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError) as error:
            raise ObjectMissing(f"no object is stored under {key!r}") from error

        async with file:
            while chunk := await file.read(self._read_chunk_size):
                yield chunk

    async def delete(self, key: str) -> None:
        """Remove the file for ``key``; a missing file is not an error."""
        await anyio.Path(self._path(key)).unlink(missing_ok=True)

    async def exists(self, key: str) -> bool:
        """Whether a file is stored for ``key``."""
        return await anyio.Path(self._path(key)).is_file()

    def _path(self, key: str) -> Path:
        return self.root.joinpath(*validate_key(key).split("/"))


def _create_temporary(folder: Path) -> tuple[BinaryIO, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    descriptor, name = tempfile.mkstemp(dir=folder, prefix=_TEMPORARY_PREFIX)

    return os.fdopen(descriptor, "wb"), Path(name)


def _write(file: BinaryIO, digest: hashlib._Hash, chunk: bytes) -> None:
    file.write(chunk)
    digest.update(chunk)


def _commit(file: BinaryIO, temporary: Path, path: Path) -> None:
    file.flush()
    os.fsync(file.fileno())
    file.close()
    os.replace(temporary, path)

    # The rename is only durable once the folder's own entry is on disk.
    folder = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


def _discard(file: BinaryIO, temporary: Path) -> None:
    file.close()
    temporary.unlink(missing_ok=True)
