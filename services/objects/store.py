"""The storage interface every object backend offers: streaming bytes by key.

An object is written once from an async stream of chunks and read back as one.
Neither direction ever holds a whole object in memory, and a write that fails
or is cancelled half-way leaves no object behind: a reader sees the whole
object or none.

Keys are names the locker chooses (``uploads/<uuid>``), never anything a
resident typed; ``validate_key`` refuses anything else before a backend turns
it into a path or a URL.
"""

from __future__ import annotations

import re
from collections.abc import AsyncGenerator, AsyncIterable
from dataclasses import dataclass
from typing import Protocol

from services.objects.errors import InvalidObjectKey

MAX_KEY_LENGTH = 512

# Each part starts with a letter or digit, so `.`, `..` and hidden names (where
# the local backend keeps its temporary files) can never be keys.
_KEY_PART = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


@dataclass(frozen=True, slots=True)
class StoredObject:
    """What a backend wrote: the key, and the size and SHA-256 of the bytes given."""

    key: str
    size: int
    sha256: str


class ObjectStore(Protocol):
    """Objects as streams of bytes by key.

    ``put`` consumes ``chunks`` but does not close it: its owner does. ``get``
    returns an async generator that opens the object on its first step (raising
    ``ObjectMissing`` there); close it (``contextlib.aclosing``) when stopping
    early, so that the file or HTTP response it holds is released at once.
    ``delete`` of a missing object is not an error.
    """

    async def put(self, key: str, chunks: AsyncIterable[bytes]) -> StoredObject:
        """Store ``chunks`` under ``key``, replacing any object already there."""
        ...

    def get(self, key: str) -> AsyncGenerator[bytes, None]:
        """Stream the object under ``key``; raises ``ObjectMissing``."""
        ...

    async def delete(self, key: str) -> None:
        """Remove the object under ``key`` if there is one."""
        ...

    async def exists(self, key: str) -> bool:
        """Whether an object is stored under ``key``."""
        ...


def validate_key(key: str) -> str:
    """Return ``key`` if it is a plain relative name, else raise ``InvalidObjectKey``.

    A key is up to 512 characters of ``/``-separated parts; each part is ASCII
    letters, digits, ``.``, ``_`` and ``-`` and starts with a letter or digit. So
    there is no leading ``/``, no empty part, no ``.`` or ``..``, no backslash and
    no control character: the same key is safe as a file path and as an S3 key.
    """
    if not key or len(key) > MAX_KEY_LENGTH:
        raise InvalidObjectKey(
            f"object key must be 1 to {MAX_KEY_LENGTH} characters, got {len(key)}"
        )
    if not all(_KEY_PART.fullmatch(part) for part in key.split("/")):
        raise InvalidObjectKey(
            f"object key {key!r} is not a plain relative name: use `/`-separated "
            "parts of letters, digits, `.`, `_` and `-`, each starting with a "
            "letter or digit"
        )

    return key
