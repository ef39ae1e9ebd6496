"""The locker's own certificate authority for residents' self-attestations.

A resident who eSigns a file signs with a certificate this CA issues on the
spot, in their Aadhaar-verified name. Anyone who trusts the CA certificate
(``certificate_pem``, published by the locker) can check every self-attested
PDF with an ordinary PAdES validator.

The CA is a pair of files in one folder: ``ca.key.pem`` (PKCS#8, not
encrypted, mode 0600) and ``ca.cert.pem``. In production the operator
provisions them and loads with ``generate=False``; in development and tests
``generate=True`` creates them on first start, safely when several processes
start at once: an exclusive ``flock`` on a lock file beside them serialises
the creators, and each file is written under a temporary name and moved into
place with ``os.replace``, key first, so a certificate on disk always has its
key beside it.

Both keys are ECDSA: P-384 for the long-lived CA, P-256 for the residents'
certificates, whose keys are generated per signature (a millisecond, where an
RSA key would take a noticeable fraction of a second).

Every method does blocking file I/O or key generation: async callers run it in
a worker thread.
"""

from __future__ import annotations

import fcntl
import logging
import os
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

logger = logging.getLogger(__name__)

DEFAULT_CA_NAME = "OpenLocker Self-Attestation CA"
KEY_FILE = "ca.key.pem"
CERT_FILE = "ca.cert.pem"
CA_VALIDITY = timedelta(days=3652)
# A certificate issued moments after a clock step back still covers "now".
_BACKDATE = timedelta(minutes=5)
# X.520 caps a common name at 64 characters; cryptography refuses longer ones.
_MAX_COMMON_NAME = 64

CAPrivateKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey


class LockerCA:
    """The self-attestation CA: its key, its certificate, and ``issue``.

    Build one with ``load_or_create``; the constructor only checks that the
    key and certificate belong together and form a CA.
    """

    def __init__(
        self, private_key: CAPrivateKey, certificate: x509.Certificate
    ) -> None:
        if certificate.public_key() != private_key.public_key():
            raise ValueError("The CA certificate does not belong to the CA key.")
        if not _is_ca(certificate):
            raise ValueError("The CA certificate lacks basicConstraints CA:true.")

        self._private_key = private_key
        self._certificate = certificate
        self._certificate_pem = certificate.public_bytes(serialization.Encoding.PEM)

    @classmethod
    def load_or_create(
        cls, folder: Path, *, generate: bool, name: str = DEFAULT_CA_NAME
    ) -> LockerCA:
        """The CA kept in ``folder``, created there first if allowed.

        Raises ``RuntimeError``, naming the files, when they are absent and
        ``generate`` is false, when only one of the two exists (a CA key is
        never replaced behind the operator's back), or when they cannot be
        read or do not form a CA.
        """
        key_path, cert_path = folder / KEY_FILE, folder / CERT_FILE
        if not key_path.exists() and not cert_path.exists():
            if not generate:
                raise RuntimeError(
                    f"No self-attestation CA: expected {key_path} and {cert_path}. "
                    "Provision both files, or let the locker generate them in "
                    "development."
                )
            _create_once(folder, name)

        return _load(key_path, cert_path)

    @property
    def certificate(self) -> x509.Certificate:
        """The CA certificate, the one trust root of every self-attestation."""
        return self._certificate

    @property
    def certificate_pem(self) -> bytes:
        """The CA certificate in PEM, as verifiers pin it."""
        return self._certificate_pem

    def issue(
        self, *, holder_name: str, account_id: str, now: datetime
    ) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
        """A fresh key and a certificate for one signature by one resident.

        The certificate names the resident (common name, cut to the 64
        characters X.520 allows) and carries ``account_id`` as the subject's
        UID, so a signature can be traced to the account without a second
        personal detail. It is valid from just before ``now`` until the CA
        itself expires: the key signs once and is then dropped, so a long
        validity opens no window for misuse, while it keeps the
        self-attestation verifiable for as long as its CA is trusted (a
        validator checks the chain at the time it runs, and no timestamp
        authority vouches for the signing time).

        Raises ``ValueError`` for a blank name or account, or a naive ``now``,
        and ``RuntimeError`` once the CA has expired.
        """
        common_name = " ".join(holder_name.split())[:_MAX_COMMON_NAME]
        if not common_name or not account_id.strip():
            raise ValueError("A certificate needs the holder's name and account id.")
        if now.tzinfo is None:
            raise ValueError("'now' must be timezone-aware.")
        expires = self._certificate.not_valid_after_utc
        if now >= expires:
            raise RuntimeError(
                f"The self-attestation CA expired on {expires:%Y-%m-%d}; "
                "provision a new one."
            )

        private_key = ec.generate_private_key(ec.SECP256R1())
        subject = x509.Name(
            [
                x509.NameAttribute(NameOID.COMMON_NAME, common_name),
                x509.NameAttribute(NameOID.USER_ID, account_id),
            ]
        )
        builder = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(self._certificate.subject)
            .public_key(private_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - _BACKDATE)
            .not_valid_after(expires)
            .add_extension(
                x509.BasicConstraints(ca=False, path_length=None), critical=True
            )
            .add_extension(
                _key_usage(digital_signature=True, content_commitment=True),
                critical=True,
            )
            .add_extension(
                x509.SubjectKeyIdentifier.from_public_key(private_key.public_key()),
                critical=False,
            )
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(
                    self._private_key.public_key()
                ),
                critical=False,
            )
        )
        certificate = builder.sign(self._private_key, hashes.SHA384())

        return private_key, certificate


def _key_usage(
    *,
    digital_signature: bool = False,
    content_commitment: bool = False,
    key_cert_sign: bool = False,
    crl_sign: bool = False,
) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=digital_signature,
        content_commitment=content_commitment,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=key_cert_sign,
        crl_sign=crl_sign,
        encipher_only=False,
        decipher_only=False,
    )


def _is_ca(certificate: x509.Certificate) -> bool:
    try:
        constraints = certificate.extensions.get_extension_for_class(
            x509.BasicConstraints
        )
    except x509.ExtensionNotFound:
        return False
    return constraints.value.ca


def _ca_certificate(
    private_key: ec.EllipticCurvePrivateKey, name: str
) -> x509.Certificate:
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    public_key = private_key.public_key()
    now = datetime.now(UTC)

    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - _BACKDATE)
        .not_valid_after(now + CA_VALIDITY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(key_cert_sign=True, crl_sign=True), critical=True)
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False
        )
    )

    return builder.sign(private_key, hashes.SHA384())


def _create_once(folder: Path, name: str) -> None:
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    key_path, cert_path = folder / KEY_FILE, folder / CERT_FILE

    lock_fd = os.open(folder / ".ca.lock", os.O_CREAT | os.O_RDWR, 0o600)
    try:
        fcntl.flock(lock_fd, fcntl.LOCK_EX)
        # Another process or thread may have created the pair while this waited.
        if key_path.exists() or cert_path.exists():
            return

        private_key = ec.generate_private_key(ec.SECP384R1())
        certificate = _ca_certificate(private_key, name)
        key_pem = private_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        _write_atomically(key_path, key_pem, mode=0o600)
        _write_atomically(
            cert_path, certificate.public_bytes(serialization.Encoding.PEM), mode=0o644
        )
        _sync_folder(folder)
        logger.info("Generated the self-attestation CA in %s", folder)
    finally:
        fcntl.flock(lock_fd, fcntl.LOCK_UN)
        os.close(lock_fd)


def _write_atomically(path: Path, content: bytes, *, mode: int) -> None:
    # mkstemp opens the file 0600, so the key is never readable by others.
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(content)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _sync_folder(folder: Path) -> None:
    # The renames are durable only once the folder's entries are on disk.
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _load(key_path: Path, cert_path: Path) -> LockerCA:
    present = [path for path in (key_path, cert_path) if path.exists()]
    if len(present) == 1:
        (found,) = present
        absent = cert_path if found == key_path else key_path
        raise RuntimeError(
            f"The self-attestation CA is incomplete: {found} exists but {absent} "
            "does not. Restore the missing file, or remove the other to have a "
            "new CA generated."
        )

    try:
        private_key = serialization.load_pem_private_key(
            key_path.read_bytes(), password=None
        )
        certificate = x509.load_pem_x509_certificate(cert_path.read_bytes())
    except (OSError, ValueError, TypeError) as error:
        raise RuntimeError(
            f"The self-attestation CA cannot be read from {key_path} and "
            f"{cert_path}: {error}"
        ) from error
    if not isinstance(private_key, ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey):
        raise RuntimeError(f"The CA key in {key_path} is neither ECDSA nor RSA.")

    try:
        return LockerCA(private_key, certificate)
    except ValueError as error:
        raise RuntimeError(f"{error} ({key_path}, {cert_path})") from error
