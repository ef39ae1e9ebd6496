"""Object storage for what the locker keeps as bytes (rendered documents for now).

``LocalObjectStore`` keeps objects as files under one folder, written atomically
so that a reader never sees half an object, even with several processes.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Protocol

import anyio


class ObjectStore(Protocol):
    """Bytes by key. Keys are ``/``-separated names chosen by the locker."""

    async def put(self, key: str, data: bytes) -> None: ...

    async def get(self, key: str) -> bytes | None: ...

    async def delete(self, key: str) -> None: ...


class LocalObjectStore:
    """Objects as files in a folder on the local disk."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        parts = key.split("/")
        if any(part in {"", ".", ".."} for part in parts):
            raise ValueError(f"object key {key!r} is not a plain relative name")
        return self.root.joinpath(*parts)

    async def put(self, key: str, data: bytes) -> None:
        await anyio.to_thread.run_sync(self._put, self._path(key), data)

    async def get(self, key: str) -> bytes | None:
        path = self._path(key)
        try:
            return await anyio.Path(path).read_bytes()
        except FileNotFoundError:
            return None

    async def delete(self, key: str) -> None:
        await anyio.Path(self._path(key)).unlink(missing_ok=True)

    @staticmethod
    def _put(path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(data)
            os.replace(temporary, path)
        except BaseException:
            os.unlink(temporary)
            raise
