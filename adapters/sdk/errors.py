"""Errors an adapter raises.

The tree, each level meant to be caught::

    AdapterError                 base; carries a stable ``code``
    ├── InvalidLookup            the resident's lookup input is malformed
    ├── RecordNotFound           the issuer has no such record or URI
    ├── HolderMismatch           the record belongs to someone else
    └── IssuerUnavailable        the issuer cannot be reached or failed

The locker maps each to a GraphQL error result with the same code, so an adapter
must never let another exception escape for a condition it can name.
"""

from __future__ import annotations


class AdapterError(Exception):
    """Base of every error an adapter raises on purpose."""

    code = "ADAPTER_ERROR"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidLookup(AdapterError):
    """A lookup value is missing or does not have the declared form."""

    code = "INVALID_LOOKUP"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class RecordNotFound(AdapterError):
    """The issuer has no record for these lookup values, or no document by this URI."""

    code = "RECORD_NOT_FOUND"


class HolderMismatch(AdapterError):
    """The issuer's record is not the resident's (the issuer's own verdict)."""

    code = "HOLDER_MISMATCH"


class IssuerUnavailable(AdapterError):
    """The issuer's service is down, too slow, or answered nonsense."""

    code = "ISSUER_UNAVAILABLE"
