"""The master key that wraps every object's data key, over Google Tink.

A ``MasterKey`` is a Tink keyset of AES-256-GCM keys. It never touches object
bytes: it only wraps (encrypts) and unwraps each object's own data keyset, with
Tink's encrypted-keyset format. Its text form for settings (``to_secret``) is
the base64 of Tink's binary keyset; ``from_secret`` also accepts Tink's JSON
keyset form, as written by ``tinkey create-keyset --key-template AES256_GCM``.

A keyset may hold several keys: Tink wraps with the primary one and unwraps
with whichever key a wrapped key names, so a master key can be rotated by
adding a new primary, re-wrapping at leisure, then dropping the old key.
"""

from __future__ import annotations

import base64
import binascii

import tink  # type: ignore[import-untyped, unused-ignore]
from tink import aead, secret_key_access  # type: ignore[import-untyped, unused-ignore]
from tink.proto import aes_gcm_pb2, tink_pb2  # type: ignore[import-untyped, unused-ignore]

from services.objects.errors import InvalidMasterKey, WrappedKeyRejected

aead.register()

_AES_GCM_KEY_TYPE = "type.googleapis.com/google.crypto.tink.AesGcmKey"
_AES_256_KEY_BYTES = 32

# Bound into every wrapped key, so that a keyset this master key encrypted for
# another purpose can never pass for an object's data key.
_WRAPPING_CONTEXT = b"openlocker object data key v1"


class MasterKey:
    """A Tink AES256_GCM keyset that wraps and unwraps object data keys.

    Build one with ``generate()`` or ``from_secret(text)``; ``to_secret()`` gives
    the text to keep in settings. The key material never appears in ``repr``.
    """

    def __init__(self, keyset: tink.KeysetHandle) -> None:
        _check_aes256_gcm(keyset)
        self._keyset = keyset
        self._aead = keyset.primitive(aead.Aead)

    @classmethod
    def generate(cls) -> MasterKey:
        """A new master key with one fresh random AES-256-GCM key."""
        return cls(tink.new_keyset_handle(aead.aead_key_templates.AES256_GCM))

    @classmethod
    def from_secret(cls, text: str) -> MasterKey:
        """Read a master key from its settings text: base64 or JSON Tink keyset."""
        text = text.strip()
        try:
            if text.startswith("{"):
                keyset = tink.json_proto_keyset_format.parse(
                    text, secret_key_access.TOKEN
                )
            else:
                keyset = tink.proto_keyset_format.parse(
                    base64.b64decode(text, validate=True), secret_key_access.TOKEN
                )
        except (binascii.Error, tink.TinkError) as error:
            raise InvalidMasterKey(
                "the master key is neither the base64 of a binary Tink keyset nor "
                "a JSON Tink keyset: make one with `MasterKey.generate().to_secret()`"
            ) from error

        return cls(keyset)

    def with_previous(self, previous: list[MasterKey]) -> MasterKey:
        """This key, also able to unwrap data keys that ``previous`` keys wrapped.

        The result wraps with this key's primary only; the retired keys are
        kept for reading until every data key has been re-wrapped
        (``EncryptedObjects.rewrap``), after which they can be dropped.
        """
        merged = tink_pb2.Keyset.FromString(self._serialized())
        known = {key.key_id for key in merged.key}
        for other in previous:
            for key in tink_pb2.Keyset.FromString(other._serialized()).key:
                if key.key_id in known:
                    continue
                merged.key.append(key)
                known.add(key.key_id)
        keyset = tink.proto_keyset_format.parse(
            merged.SerializeToString(), secret_key_access.TOKEN
        )
        return MasterKey(keyset)

    def _serialized(self) -> bytes:
        return bytes(
            tink.proto_keyset_format.serialize(self._keyset, secret_key_access.TOKEN)
        )

    def to_secret(self) -> str:
        """The key's text form for settings: base64 of the binary Tink keyset."""
        serialized = tink.proto_keyset_format.serialize(
            self._keyset, secret_key_access.TOKEN
        )
        return base64.b64encode(serialized).decode("ascii")

    def wrap(self, data_keyset: tink.KeysetHandle) -> bytes:
        """Encrypt ``data_keyset`` under this key (Tink's encrypted-keyset bytes)."""
        wrapped = tink.proto_keyset_format.serialize_encrypted(
            data_keyset, self._aead, _WRAPPING_CONTEXT
        )
        return bytes(wrapped)

    def unwrap(self, wrapped_key: bytes) -> tink.KeysetHandle:
        """Decrypt a wrapped data keyset; raises ``WrappedKeyRejected``."""
        try:
            return tink.proto_keyset_format.parse_encrypted(
                wrapped_key, self._aead, _WRAPPING_CONTEXT
            )
        except tink.TinkError as error:
            raise WrappedKeyRejected(
                "the object's data key does not open under this master key: "
                "check the configured master key"
            ) from error

    def __repr__(self) -> str:
        return f"MasterKey(primary_key_id={self._keyset.keyset_info().primary_key_id})"


def _check_aes256_gcm(keyset: tink.KeysetHandle) -> None:
    """Refuse a keyset with any enabled key that is not 256-bit AES-GCM."""
    serialized = tink.proto_keyset_format.serialize(keyset, secret_key_access.TOKEN)
    for key in tink_pb2.Keyset.FromString(serialized).key:
        if key.status != tink_pb2.ENABLED:
            continue
        if key.key_data.type_url != _AES_GCM_KEY_TYPE:
            raise InvalidMasterKey(
                f"the master key holds a {key.key_data.type_url} key: it must hold "
                "AES256_GCM keys only"
            )
        key_bytes = len(aes_gcm_pb2.AesGcmKey.FromString(key.key_data.value).key_value)
        if key_bytes != _AES_256_KEY_BYTES:
            raise InvalidMasterKey(
                f"the master key holds a {key_bytes * 8}-bit AES-GCM key: it must "
                "hold 256-bit (AES256_GCM) keys only"
            )
