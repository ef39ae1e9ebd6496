"""What can go wrong when the locker stores or reads an object.

These are server-side failures, not client errors: a resolver that meets one maps
it to the client error that fits (a missing object is a document that cannot be
found; a corrupted one is a crash worth an operator's attention), so none of
them derives from ``LockerError`` or carries a client ``code``::

    ObjectStoreError
    ├── InvalidObjectKey      (also a ValueError: a key the locker should never make)
    ├── InvalidMasterKey      (also a ValueError: the configured master key is unusable)
    ├── ObjectMissing         (no object under that key)
    └── ObjectCorrupted       (the bytes read back fail authentication)
        └── WrappedKeyRejected  (the data key does not open under this master key)
"""

from __future__ import annotations


class ObjectStoreError(Exception):
    """Base of every error the object storage raises."""


class InvalidObjectKey(ObjectStoreError, ValueError):
    """A key that is not a plain relative name (see ``validate_key``)."""


class InvalidMasterKey(ObjectStoreError, ValueError):
    """A master key secret that is not a Tink AES256_GCM keyset."""


class ObjectMissing(ObjectStoreError):
    """No object is stored under the key that was asked for."""


class ObjectCorrupted(ObjectStoreError):
    """The stored bytes fail authentication: changed, truncated or swapped.

    Raised while reading an encrypted object, before or between the chunks it
    yields; a reader that sees it must discard what it has received so far.
    """


class WrappedKeyRejected(ObjectCorrupted):
    """The wrapped data key does not open under the master key given.

    Either the wrong master key is configured, or the wrapped key was altered:
    the two cannot be told apart, and both leave the object unreadable.
    """
