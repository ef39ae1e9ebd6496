"""Envelope encryption of objects at rest, over Google Tink's streaming AEAD.

Every object gets its own data key: a fresh Tink keyset of one
``AES256_GCM_HKDF_1MB`` streaming key. The object's bytes are encrypted as they
stream into the store, and the data keyset, wrapped by the ``MasterKey``, goes
back to the caller to keep beside the object's metadata. Rotating the master key
re-wraps data keys (``EncryptedObjects.rewrap``) without touching objects.

Why 1 MB segments rather than 4 KB: measured here, both directions run about a
third faster (fewer AES-GCM calls across Tink's C++ boundary), and the
ciphertext grows by 16 bytes per MiB instead of 0.4 %. The cost is memory: Tink
holds about two segments (~2 MiB, in C++) per open stream, which the locker's
budget (8 concurrent uploads in 64 MB) affords.

The object key is the associated data of the stream, so an object's ciphertext
moved or copied under another key (with or without its wrapped key) fails to
decrypt there.

Tink's streaming API is blocking file objects, so each direction bridges it:

- Encrypting pushes: each plaintext slice (at most 256 KiB) is hashed and written
  into Tink's encrypting stream in a worker thread, and whatever ciphertext
  Tink has emitted into an in-memory sink is drained and handed to the store.
- Decrypting pulls: Tink reads ciphertext from a file object in a worker
  thread; when that file runs dry it fetches the store's next chunk back on the
  event loop (``anyio.from_thread.run``) and waits. Each plaintext read is one
  worker-thread call, so memory stays at a few segments and no thread outlives
  the read in progress.

What a reader of ``EncryptedObjects.get`` sees: on its first step,
``WrappedKeyRejected`` if the wrapped key does not open under the master key,
or ``ObjectMissing`` if the store has no such object. After that, every chunk
it yields is plaintext that Tink has authenticated (segment by segment, in
order, under this object key). The iterator ends normally only once the final
segment, which Tink marks as final inside its nonce, has authenticated, so a
truncated object never ends as if complete. Damage raises ``ObjectCorrupted``:
before any chunk if it lies in the header or the first segment (and when the
object was swapped, or cut to less than one segment), otherwise after at most
the chunks of the intact segments before it. A reader must therefore treat
everything yielded before an exception as void: an HTTP response is aborted,
not finished.
"""

from __future__ import annotations

import hashlib
import io
import threading
from collections.abc import AsyncGenerator, AsyncIterable, Callable, Iterator
from contextlib import aclosing, suppress
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

import anyio
import anyio.from_thread
import anyio.lowlevel
import anyio.to_thread
import tink  # type: ignore[import-untyped, unused-ignore]
from tink import streaming_aead  # type: ignore[import-untyped, unused-ignore]

from services.objects.errors import ObjectCorrupted, ObjectStoreError
from services.objects.keys import MasterKey
from services.objects.store import ObjectStore, validate_key

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer, WriteableBuffer

streaming_aead.register()

DATA_KEY_TEMPLATE = streaming_aead.streaming_aead_key_templates.AES256_GCM_HKDF_1MB

# Plaintext handed to Tink, and read back from it, per worker-thread call: small
# enough that a stream holds little beside Tink's own two segments, large enough
# that the hops to and from the worker thread cost little.
_SLICE = 256 * 1024

_Result = TypeVar("_Result")


@dataclass(frozen=True, slots=True)
class EncryptedObject:
    """An object stored encrypted: ``size`` and ``sha256`` are of the plaintext.

    ``wrapped_key`` is the object's data key wrapped by the master key; keep it
    beside the object's metadata, since without it the object is unreadable.
    """

    key: str
    size: int
    sha256: str
    wrapped_key: bytes


class EncryptedObjects:
    """Objects encrypted at rest in ``store``, each under its own data key."""

    def __init__(self, store: ObjectStore, master: MasterKey) -> None:
        self.store = store
        self.master = master

    async def put(self, key: str, chunks: AsyncIterable[bytes]) -> EncryptedObject:
        """Encrypt ``chunks`` as they stream into the store under ``key``.

        Like ``ObjectStore.put``, a failure or cancellation half-way leaves no
        object, and ``chunks`` is not closed here.
        """
        validate_key(key)
        data_keyset = tink.new_keyset_handle(DATA_KEY_TEMPLATE)
        wrapped_key = self.master.wrap(data_keyset)
        encryptor = _Encryptor(data_keyset.primitive(streaming_aead.StreamingAead))

        async with aclosing(encryptor.encrypt(chunks, key.encode())) as ciphertext:
            await self.store.put(key, ciphertext)

        return EncryptedObject(
            key=key,
            size=encryptor.size,
            sha256=encryptor.digest.hexdigest(),
            wrapped_key=wrapped_key,
        )

    async def get(self, key: str, wrapped_key: bytes) -> AsyncGenerator[bytes, None]:
        """Stream the plaintext of ``key``, authenticated as it goes.

        Raises ``ObjectMissing``, ``WrappedKeyRejected`` (wrong master key) or
        ``ObjectCorrupted``; see the module's documentation for exactly when.
        """
        validate_key(key)
        data_keyset = self.master.unwrap(wrapped_key)
        cipher = data_keyset.primitive(streaming_aead.StreamingAead)

        async with aclosing(self.store.get(key)) as ciphertext:
            source = _CiphertextSource(ciphertext)
            plaintext = await source.call(
                cipher.new_decrypting_stream, source, key.encode()
            )
            try:
                while piece := await source.call(plaintext.read, _SLICE):
                    yield piece
            finally:
                plaintext.close()

    async def delete(self, key: str) -> None:
        """Delete the object under ``key`` (its wrapped key is the caller's)."""
        await self.store.delete(key)

    @staticmethod
    def rewrap(wrapped_key: bytes, old: MasterKey, new: MasterKey) -> bytes:
        """Re-wrap a data key from ``old`` to ``new``; the object stays as it is.

        Raises ``WrappedKeyRejected`` if ``wrapped_key`` does not open under
        ``old``.
        """
        return new.wrap(old.unwrap(wrapped_key))


class _Encryptor:
    """Encrypts one object's plaintext stream, counting and hashing it."""

    def __init__(self, cipher: streaming_aead.StreamingAead) -> None:
        self._cipher = cipher
        self.size = 0
        self.digest = hashlib.sha256()

    async def encrypt(
        self, chunks: AsyncIterable[bytes], associated_data: bytes
    ) -> AsyncGenerator[bytes, None]:
        """Yield the ciphertext of ``chunks`` as Tink produces it."""
        sink = _CiphertextSink()
        stream = self._cipher.new_encrypting_stream(sink, associated_data)
        try:
            async for chunk in chunks:
                for piece in _slices(chunk):
                    await anyio.to_thread.run_sync(self._write, stream, piece)
                    for ciphertext in sink.drain():
                        yield ciphertext
            # Closing writes the final segment, marked as final.
            await anyio.to_thread.run_sync(stream.close)
            for ciphertext in sink.drain():
                yield ciphertext
        finally:
            # After a failure the stream is abandoned; close it here so that
            # its finaliser has nothing left to do (or to raise).
            with suppress(tink.TinkError, ValueError):
                stream.close()

    def _write(self, stream: io.BufferedIOBase, piece: memoryview) -> None:
        self.digest.update(piece)
        self.size += len(piece)
        stream.write(piece)


class _CiphertextSink(io.RawIOBase):
    """Where Tink writes ciphertext, kept as written until drained.

    Tink writes in pieces of 128 KiB; keeping them apart (rather than joining
    them into one buffer) means no segment is ever held twice.
    """

    def __init__(self) -> None:
        super().__init__()
        self._pieces: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: ReadableBuffer) -> int:
        piece = bytes(data)
        self._pieces.append(piece)
        return len(piece)

    def drain(self) -> list[bytes]:
        drained, self._pieces = self._pieces, []
        return drained


class _CiphertextSource(io.RawIOBase):
    """The store's ciphertext stream as a blocking file, for Tink in a thread.

    ``call`` runs one blocking Tink call in a worker thread. Inside it, when the
    current chunk is used up, ``readinto`` runs the next step of the store's
    async iterator back on the event loop and waits for it. A failure there
    (a missing object, a network error) is kept in ``failure``, because Tink
    turns whatever its source raises into a ``TinkError``.
    """

    def __init__(self, chunks: AsyncGenerator[bytes, None]) -> None:
        super().__init__()
        self._chunks = chunks
        self._pending = memoryview(b"")
        self._exhausted = False
        # Both only touched on the event loop's thread, so they need no lock.
        self._cancelled = False
        self._fetch_scope: anyio.CancelScope | None = None
        self.failure: BaseException | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        if not self._pending and not self._fetch():
            return 0

        target = memoryview(buffer).cast("B")
        count = min(len(target), len(self._pending))
        target[:count] = self._pending[:count]
        self._pending = self._pending[count:]

        return count

    def _fetch(self) -> bool:
        """Load the next chunk (from the worker thread); ``False`` at the end."""
        if self._exhausted:
            return False
        try:
            chunk = anyio.from_thread.run(self._next_chunk)
        except BaseException as error:
            self.failure = error
            raise
        if chunk is None:
            self._exhausted = True
            return False
        self._pending = memoryview(chunk)

        return True

    async def _next_chunk(self) -> bytes | None:
        """The store's next chunk (on the event loop), or ``None`` at the end."""
        if not self._cancelled:
            with anyio.CancelScope() as self._fetch_scope:
                try:
                    return await anext(self._chunks)
                except StopAsyncIteration:
                    return None
                finally:
                    self._fetch_scope = None
        raise ObjectStoreError("the read was cancelled")

    async def call(self, function: Callable[..., _Result], *args: object) -> _Result:
        """Run a blocking Tink call on this source in a worker thread.

        The call is cancellable even while the store stalls: on cancellation
        the fetch in progress is cancelled, later ones fail at once, and the
        caller waits (shielded) for the thread to let go of the Tink stream,
        which is closed next.
        """
        finished = threading.Event()
        # Whether the worker thread took the call up. A call cancelled before
        # a thread took it is never run at all (anyio drops it), so nothing
        # would ever set ``finished``: waiting for it would hold a worker
        # thread forever, and enough of those starve every thread call.
        lock = threading.Lock()
        state = {"started": False, "abandoned": False}

        def run() -> _Result:
            with lock:
                if state["abandoned"]:
                    raise ObjectStoreError("the read was cancelled")
                state["started"] = True
            try:
                return function(*args)
            finally:
                finished.set()

        try:
            return await anyio.to_thread.run_sync(run, abandon_on_cancel=True)
        except anyio.get_cancelled_exc_class():
            self._cancelled = True
            if self._fetch_scope is not None:
                self._fetch_scope.cancel()
            with lock:
                state["abandoned"] = True
                started = state["started"]
            if started:
                with anyio.CancelScope(shield=True):
                    await anyio.to_thread.run_sync(finished.wait)
            raise
        except Exception as error:
            await anyio.lowlevel.checkpoint_if_cancelled()
            if self.failure is not None:
                raise self.failure from None
            if isinstance(error, tink.TinkError):
                raise ObjectCorrupted(
                    "the object failed authentication: it was changed, truncated "
                    "or stored under another key"
                ) from error
            raise


def _slices(chunk: bytes) -> Iterator[memoryview]:
    view = memoryview(chunk)
    for start in range(0, len(view), _SLICE):
        yield view[start : start + _SLICE]
