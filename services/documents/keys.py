"""Issuers' signing keys: an RSA key and a certificate per issuer, kept on disk.

The locker signs each document in its issuer's name. ``IssuerKeyStore`` finds
the pair for an issuer in a folder, as ``<issuer_id>.key.pem`` (PKCS#8, not
encrypted, file mode 0600) and ``<issuer_id>.cert.pem``. In production the
operator provisions those files and the store runs with ``generate=False``; in
development and tests it runs with ``generate=True`` and creates a pair on
first use:

- an RSA-3072 key;
- a self-signed X.509 certificate with the issuer's name as common name and
  organisation, a random serial, five years of validity, basic constraints
  CA=false, and key usage digitalSignature plus nonRepudiation (which
  cryptography calls content commitment). pyHanko's PDF validation requires
  nonRepudiation; the certificate is trusted by pinning it as the only trust
  root, so it needs no CA bit.

Generation is safe when several processes start at once: an exclusive
``flock`` on a lock file beside the keys serialises them, the files are
written to temporary names and moved into place with ``os.replace``, key
first, so a certificate on disk always has its key beside it. Loaded pairs are
cached in memory. Every method does blocking file I/O (and, once, a slow key
generation): async callers run it in a thread.
"""

from __future__ import annotations

import fcntl
import logging
import os
import re
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from adapters.sdk.document import ISSUER_ID_PATTERN
from services.documents.errors import IssuerKeyError, MissingIssuerKey

logger = logging.getLogger(__name__)

KEY_SIZE = 3072
CERTIFICATE_VALIDITY = timedelta(days=5 * 365)
# Accept signatures made moments after generation on a machine whose clock
# runs slightly behind the one that generated the certificate.
_BACKDATE = timedelta(minutes=5)
# X.520 caps a common name at 64 characters; cryptography refuses longer ones.
_MAX_NAME = 64
_ISSUER_ID = re.compile(ISSUER_ID_PATTERN)


@dataclass(frozen=True)
class IssuerKey:
    """An issuer's signing key and the certificate that vouches for it."""

    issuer_id: str
    key_path: Path
    cert_path: Path
    private_key: rsa.RSAPrivateKey
    certificate: x509.Certificate
    certificate_pem: bytes


class IssuerKeyStore:
    """The folder of issuers' signing keys, with an in-memory cache.

    ``keys_dir`` holds the key files; ``generate`` says whether a missing pair
    may be created (development, tests) or is an error (production).
    """

    def __init__(self, keys_dir: Path, *, generate: bool) -> None:
        self.keys_dir = keys_dir
        self.generate = generate
        self._cache: dict[str, IssuerKey] = {}
        self._lock = threading.Lock()
        self._issuer_locks: dict[str, threading.Lock] = {}

    def key_for(self, issuer_id: str, issuer_name: str) -> IssuerKey:
        """The issuer's key pair: from memory, from disk, or newly generated.

        Raises ``MissingIssuerKey`` when the files are absent and the store may
        not generate them, ``IssuerKeyError`` when they are unreadable or do
        not belong together, and ``ValueError`` for a malformed issuer id.
        """
        if _ISSUER_ID.fullmatch(issuer_id) is None:
            raise ValueError(f"{issuer_id!r} is not an issuer id such as 'in.gov.cbse'")

        with self._lock:
            cached = self._cache.get(issuer_id)
            if cached is not None:
                return cached
            issuer_lock = self._issuer_locks.setdefault(issuer_id, threading.Lock())

        # One issuer's first, slow, load does not hold up the other issuers.
        with issuer_lock:
            cached = self._cache.get(issuer_id)
            if cached is not None:
                return cached
            issuer_key = self._load_or_generate(issuer_id, issuer_name)
            self._cache[issuer_id] = issuer_key

        return issuer_key

    def paths_for(self, issuer_id: str) -> tuple[Path, Path]:
        """Where the issuer's key and certificate live: ``(key_path, cert_path)``."""
        return (
            self.keys_dir / f"{issuer_id}.key.pem",
            self.keys_dir / f"{issuer_id}.cert.pem",
        )

    def _load_or_generate(self, issuer_id: str, issuer_name: str) -> IssuerKey:
        key_path, cert_path = self.paths_for(issuer_id)
        if not (key_path.exists() and cert_path.exists()):
            if not self.generate:
                raise MissingIssuerKey(
                    f"No signing key for issuer {issuer_id}: expected "
                    f"{key_path} and {cert_path}. Provision both files, or "
                    "let the key store generate them in development."
                )
            self._generate_once(issuer_id, issuer_name)

        return _load(issuer_id, key_path, cert_path)

    def _generate_once(self, issuer_id: str, issuer_name: str) -> None:
        self.keys_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        key_path, cert_path = self.paths_for(issuer_id)
        lock_path = self.keys_dir / f".{issuer_id}.lock"

        lock_fd = os.open(lock_path, os.O_CREAT | os.O_RDWR, 0o600)
        try:
            fcntl.flock(lock_fd, fcntl.LOCK_EX)
            # Another process may have generated the pair while this one waited.
            if key_path.exists() and cert_path.exists():
                return

            private_key = rsa.generate_private_key(
                public_exponent=65537, key_size=KEY_SIZE
            )
            certificate = _self_signed_certificate(private_key, issuer_name)
            _write_atomically(
                key_path,
                private_key.private_bytes(
                    serialization.Encoding.PEM,
                    serialization.PrivateFormat.PKCS8,
                    serialization.NoEncryption(),
                ),
                mode=0o600,
            )
            _write_atomically(
                cert_path,
                certificate.public_bytes(serialization.Encoding.PEM),
                mode=0o644,
            )
            logger.info(
                "Generated a signing key for issuer %s in %s", issuer_id, self.keys_dir
            )
        finally:
            fcntl.flock(lock_fd, fcntl.LOCK_UN)
            os.close(lock_fd)


def _self_signed_certificate(
    private_key: rsa.RSAPrivateKey, issuer_name: str
) -> x509.Certificate:
    short_name = issuer_name.strip()[:_MAX_NAME] or "Issuer"
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, short_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, short_name),
        ]
    )
    public_key = private_key.public_key()
    now = datetime.now(UTC)

    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - _BACKDATE)
        .not_valid_after(now + CERTIFICATE_VALIDITY)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False
        )
    )

    return builder.sign(private_key, hashes.SHA256())


def _write_atomically(path: Path, content: bytes, *, mode: int) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    # Only the holder of the issuer's lock writes here; a leftover from a
    # crashed process that had the same pid is stale.
    temporary.unlink(missing_ok=True)
    fd = os.open(temporary, os.O_CREAT | os.O_EXCL | os.O_WRONLY, mode)
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(content)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _load(issuer_id: str, key_path: Path, cert_path: Path) -> IssuerKey:
    try:
        private_key = serialization.load_pem_private_key(
            key_path.read_bytes(), password=None
        )
        certificate_pem = cert_path.read_bytes()
        certificate = x509.load_pem_x509_certificate(certificate_pem)
    except (OSError, ValueError, TypeError) as error:
        raise IssuerKeyError(
            f"The signing key of issuer {issuer_id} cannot be read from {key_path} "
            f"and {cert_path}: {error}"
        ) from error

    if not isinstance(private_key, rsa.RSAPrivateKey):
        raise IssuerKeyError(f"The signing key in {key_path} is not an RSA key.")
    if certificate.public_key() != private_key.public_key():
        raise IssuerKeyError(
            f"The certificate in {cert_path} does not belong to the key in {key_path}."
        )

    return IssuerKey(
        issuer_id=issuer_id,
        key_path=key_path,
        cert_path=cert_path,
        private_key=private_key,
        certificate=certificate,
        certificate_pem=certificate_pem,
    )
