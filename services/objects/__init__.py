"""Object storage for residents' uploads: streaming, atomic, encrypted at rest.

``ObjectStore`` is the interface (``store``) with two backends,
``LocalObjectStore`` (``local``, the default) and ``S3ObjectStore`` (``s3``).
``EncryptedObjects`` (``encryption``) wraps either so that every object is
encrypted under its own data key, wrapped by a ``MasterKey`` (``keys``).
"""

from services.objects.encryption import EncryptedObject, EncryptedObjects
from services.objects.errors import (
    InvalidMasterKey,
    InvalidObjectKey,
    ObjectCorrupted,
    ObjectMissing,
    ObjectStoreError,
    WrappedKeyRejected,
)
from services.objects.keys import MasterKey
from services.objects.local import LocalObjectStore
from services.objects.s3 import S3ObjectStore
from services.objects.store import ObjectStore, StoredObject, validate_key

__all__ = [
    "EncryptedObject",
    "EncryptedObjects",
    "InvalidMasterKey",
    "InvalidObjectKey",
    "LocalObjectStore",
    "MasterKey",
    "ObjectCorrupted",
    "ObjectMissing",
    "ObjectStore",
    "ObjectStoreError",
    "S3ObjectStore",
    "StoredObject",
    "WrappedKeyRejected",
    "validate_key",
]
