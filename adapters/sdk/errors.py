"""Errors an adapter raises.

The tree, each level meant to be caught::

    AdapterError                 base; carries a stable ``code``
    ├── InvalidLookup            the resident's lookup input is malformed
    ├── RecordNotFound           the issuer has no such record or URI
    ├── HolderMismatch           the record belongs to someone else
    ├── PullPending              the issuer will push the document later
    └── IssuerUnavailable        the issuer cannot be reached or failed

The locker maps each to a GraphQL error result with the same code, so an adapter
must never let another exception escape for a condition it can name.
"""

from __future__ import annotations

from typing import ClassVar


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


class PullPending(AdapterError):
    """The issuer has the request and will push the document later.

    DigiLocker issuers answer this with status 9. ``transaction_id`` is the
    request's, which the issuer's push may name when it comes. Not a failure:
    the locker neither retries it nor counts it against the issuer.
    """

    code = "PULL_PENDING"

    def __init__(self, message: str, *, transaction_id: str = "") -> None:
        super().__init__(message)
        self.transaction_id = transaction_id


class IssuerUnavailable(AdapterError):
    """The issuer's service is down, too slow, or answered nonsense.

    Two class attributes tell the locker how to take it: ``worth_retrying``
    (asking again at once may get another answer: a dropped connection yes, an
    answer the adapter refused to trust no) and ``issuer_failed`` (the issuer
    is at fault, so it counts towards its circuit breaker). Subclass to say
    otherwise; both are true here.
    """

    code = "ISSUER_UNAVAILABLE"
    worth_retrying: ClassVar[bool] = True
    issuer_failed: ClassVar[bool] = True
