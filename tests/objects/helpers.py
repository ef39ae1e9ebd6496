"""Streams of invented bytes for the object storage tests."""

from __future__ import annotations

import hashlib
import random
import tracemalloc
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

MiB = 1024 * 1024

# Deliberately unaligned with every buffer in the code under test.
UNEVEN_SIZES = (1, 4095, 65_536, 1_000_003, 7, 3_000_001)


class UploadInterrupted(Exception):
    """What a failing upload stream raises half-way."""


def sample_bytes(size: int, seed: int = 0) -> bytes:
    """``size`` invented bytes, the same for the same seed."""
    return random.Random(seed).randbytes(size)


async def stream(
    data: bytes, sizes: tuple[int, ...] = UNEVEN_SIZES
) -> AsyncIterator[bytes]:
    """Yield ``data`` in chunks of the given sizes, in turn."""
    offset = 0
    turn = 0
    while offset < len(data):
        size = sizes[turn % len(sizes)]
        yield data[offset : offset + size]
        offset += size
        turn += 1


async def generated(size: int, seed: int = 0) -> AsyncIterator[bytes]:
    """Yield ``size`` invented bytes in 1 MiB chunks, never holding them all."""
    randomness = random.Random(seed)
    left = size
    while left:
        chunk = min(MiB, left)
        yield randomness.randbytes(chunk)
        left -= chunk


async def failing_after(size: int) -> AsyncIterator[bytes]:
    """Yield ``size`` bytes in 1 MiB chunks, then raise ``UploadInterrupted``."""
    async for chunk in generated(size):
        yield chunk
    raise UploadInterrupted(f"the client went away after {size} bytes")


async def read_all(chunks: AsyncIterable[bytes]) -> bytes:
    """Join every chunk of a stream."""
    return b"".join([chunk async for chunk in chunks])


@dataclass
class Digest:
    """Size and SHA-256 of a stream that was read without being kept."""

    size: int
    sha256: str


async def digest_of(chunks: AsyncIterable[bytes]) -> Digest:
    """Read a stream to its end, keeping only its size and hash."""
    digest = hashlib.sha256()
    size = 0
    async for chunk in chunks:
        digest.update(chunk)
        size += len(chunk)

    return Digest(size=size, sha256=digest.hexdigest())


@contextmanager
def traced_memory() -> Iterator[Callable[[], int]]:
    """Trace Python allocations; the callable gives the peak so far, in bytes."""
    tracemalloc.start()
    try:
        yield lambda: tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
