"""The locker's key for signing consent artefacts, kept in one folder.

The key is an ECDSA P-256 key (the artefacts are ES256 JSON Web Signatures),
stored as ``consent.key.pem`` (PKCS#8, not encrypted, file mode 0600) in a
folder only the server's user can enter. It is generated on first use: an
exclusive ``flock`` on a lock file beside it serialises processes that start
at once, and the key is written under a temporary name and moved into place
with ``os.replace``, so a reader never sees half a key. Every process that
signs or publishes keys must share the folder, or each would make its own.

A key's ``kid`` is its RFC 7638 thumbprint: anyone can recompute it from the
published public key, and a new key gets a new ``kid`` by itself.

Loading does blocking file I/O: ``ConsentKeyStore.signing_key`` runs it in a
worker thread, once per process.
"""

from __future__ import annotations

import fcntl
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

import anyio
import anyio.to_thread
from joserfc.errors import JoseError
from joserfc.jwk import ECKey

logger = logging.getLogger(__name__)

ALGORITHM = "ES256"
CURVE = "P-256"
KEY_FILE = "consent.key.pem"
LOCK_FILE = ".consent.key.lock"


class ConsentKeyStore:
    """The folder of the consent signing key; loads (or makes) it on first use."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._key: ECKey | None = None
        self._lock = anyio.Lock()

    @property
    def key_path(self) -> Path:
        return self.folder / KEY_FILE

    async def signing_key(self) -> ECKey:
        """The private key artefacts are signed with, its ``kid`` set.

        Raises ``RuntimeError``, naming the file, when the key on disk cannot
        be read or is not a P-256 key.
        """
        async with self._lock:
            if self._key is None:
                self._key = await anyio.to_thread.run_sync(self._load_or_create)
        return self._key

    async def public_jwks(self) -> dict[str, Any]:
        """The public half of the signing key as a JWK Set (RFC 7517)."""
        key = await self.signing_key()
        public = key.as_dict(private=False)

        return {"keys": [{**public, "use": "sig", "alg": ALGORITHM}]}

    def _load_or_create(self) -> ECKey:
        if not self.key_path.exists():
            self._create_once()

        try:
            key = ECKey.import_key(self.key_path.read_bytes())
        except (OSError, ValueError, JoseError) as error:
            raise RuntimeError(
                f"The consent signing key in {self.key_path} cannot be read: {error}"
            ) from error
        if not key.is_private or key.curve_name != CURVE:
            raise RuntimeError(
                f"The consent signing key in {self.key_path} is not a private "
                f"{CURVE} key."
            )

        key.ensure_kid()

        return key

    def _create_once(self) -> None:
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        lock_fd = os.open(self.folder / LOCK_FILE, os.O_CREAT | os.O_RDWR, 0o600)
        try:
            fcntl.flock(lock_fd, fcntl.LOCK_EX)
            # Another process may have made the key while this one waited.
            if self.key_path.exists():
                return
            key = ECKey.generate_key(CURVE)
            _write_atomically(self.key_path, key.as_pem(private=True))
            logger.info("Generated the consent signing key in %s", self.folder)
        finally:
            fcntl.flock(lock_fd, fcntl.LOCK_UN)
            os.close(lock_fd)


def _write_atomically(path: Path, content: bytes) -> None:
    """Write ``content`` to ``path`` (mode 0600) so that it appears whole or not."""
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(content)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
