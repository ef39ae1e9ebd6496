"""The locker's few cryptographic building blocks, each over a vetted library.

``SecretBox`` seals secrets at rest (Aadhaar numbers) with AES-256-GCM;
``keyed_hash`` makes lookup keys and OTP hashes that are useless without the
server's secret; ``new_token``/``hash_token`` make bearer tokens that the
database only ever sees hashed.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_NONCE_BYTES = 12
_KEY_BYTES = 32
_LAST4 = re.compile(r"[0-9]{4}")


class SecretBox:
    """Authenticated encryption of small secrets with AES-256-GCM.

    Every ``encrypt`` draws a fresh random 96-bit nonce and returns
    ``nonce || ciphertext || tag``. The ``context`` (for instance the account id)
    is bound in as associated data, so a sealed value copied to another row
    fails to decrypt there.
    """

    def __init__(self, key: bytes) -> None:
        if len(key) != _KEY_BYTES:
            raise ValueError(
                f"SecretBox needs a 32-byte AES-256 key, got {len(key)} bytes"
            )
        self._aead = AESGCM(key)

    @classmethod
    def from_base64(cls, encoded_key: str) -> SecretBox:
        """Build a box from the base64 form settings keep the key in."""
        try:
            key = base64.b64decode(encoded_key, validate=True)
        except (binascii.Error, ValueError) as error:
            raise ValueError("SecretBox key is not valid base64") from error

        return cls(key)

    def encrypt(self, plaintext: bytes, *, context: bytes) -> bytes:
        """Seal ``plaintext``; only the same key and ``context`` open it."""
        nonce = secrets.token_bytes(_NONCE_BYTES)

        return nonce + self._aead.encrypt(nonce, plaintext, context)

    def decrypt(self, sealed: bytes, *, context: bytes) -> bytes:
        """Open what ``encrypt`` sealed, or raise ``ValueError`` if it was altered,
        sealed under another key, or bound to another ``context``."""
        if len(sealed) <= _NONCE_BYTES:
            raise ValueError("sealed value is too short to hold a nonce and tag")
        nonce, ciphertext = sealed[:_NONCE_BYTES], sealed[_NONCE_BYTES:]

        try:
            return self._aead.decrypt(nonce, ciphertext, context)
        except InvalidTag as error:
            raise ValueError(
                "sealed value does not open with this key and context"
            ) from error


def keyed_hash(key: bytes, value: str, *, purpose: str) -> str:
    """HMAC-SHA256 of ``value`` as hex, in a key domain of its own per ``purpose``.

    The purpose derives a sub-key, so the same value hashed for two purposes
    (an OTP and an Aadhaar number, say) never gives the same digest.
    """
    purpose_key = hmac.digest(key, b"openlocker/" + purpose.encode(), "sha256")

    return hmac.new(purpose_key, value.encode(), hashlib.sha256).hexdigest()


def new_token() -> str:
    """A fresh bearer token with 256 bits of randomness, URL-safe."""
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """The SHA-256 hex digest a token is stored and looked up by.

    A plain hash is enough here: the token is random, so there is nothing to
    guess, and the database never holds a token it could replay.
    """
    return hashlib.sha256(token.encode()).hexdigest()


def mask_aadhaar(last4: str) -> str:
    """Show an Aadhaar number by its last four digits: ``XXXX-XXXX-1234``."""
    if not _LAST4.fullmatch(last4):
        # The value stays out of the message: a caller's mistake could pass the
        # whole number here.
        raise ValueError("mask_aadhaar expects exactly four digits")

    return f"XXXX-XXXX-{last4}"


def mask_mobile(mobile: str) -> str:
    """A mobile number as the resident is shown it: ``XXXXXX2345``."""
    return f"XXXXXX{mobile[-4:]}"
