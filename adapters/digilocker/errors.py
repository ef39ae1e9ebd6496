"""What the DigiLocker-compatible adapter raises beyond the SDK's own errors.

``IssuerAnswerRefused`` is ``IssuerUnavailable`` to the locker (code
``ISSUER_UNAVAILABLE``), so the API answers it as it answers any issuer that
cannot help right now; the subclass lets the adapter's callers and tests tell
why::

    IssuerUnavailable            (adapters.sdk) unreachable, too slow, HTTP error
    └── IssuerAnswerRefused      the answer came but cannot be trusted or read

Status 9 is the SDK's ``PullPending`` (re-exported here), code ``PULL_PENDING``.

``RecordNotFound`` (status 0) and ``InvalidLookup`` come from the SDK as they are.
``AnswerInvalid`` never leaves the package: the parsing modules raise it and
the client turns it into ``IssuerAnswerRefused``.
"""

from __future__ import annotations

import enum
from typing import ClassVar

from adapters.sdk import IssuerUnavailable, PullPending

__all__ = [
    "AnswerInvalid",
    "AnswerProblem",
    "IssuerAnswerRefused",
    "NotServedByUri",
    "PullPending",
]


class AnswerProblem(enum.StrEnum):
    """Why an issuer's answer was refused; stable words for logs and tests."""

    CREDENTIALS_REFUSED = "credentials-refused"
    HTTP_STATUS = "http-status"
    TOO_LARGE = "too-large"
    XML = "xml"
    SHAPE = "shape"
    TRANSACTION = "transaction"
    FOREIGN_URI = "foreign-uri"
    SIGNATURE = "signature"


class IssuerAnswerRefused(IssuerUnavailable):
    """The issuer answered, but with something the adapter will not use.

    ``problem`` says what kind of fault it was; ``detail`` is a sentence for
    the operator's log (never shown to residents, never document content).
    Asking again at once would get the same answer, so it is not retried; it
    does count against the issuer.
    """

    worth_retrying: ClassVar[bool] = False

    def __init__(self, message: str, *, problem: AnswerProblem, detail: str) -> None:
        super().__init__(message)
        self.problem = problem
        self.detail = detail


class NotServedByUri(IssuerUnavailable):
    """An issuer without ``PullDocRequest`` cannot send a document by URI again.

    Its documents come only with the answer that found them; once the locker's
    copy has aged past its cache, the issuer has nothing to ask. Not the
    issuer's failure, and asking again will not help: the locker serves its
    last copy, marked stale (``stale_copy_seconds``), or this error.
    """

    worth_retrying: ClassVar[bool] = False
    issuer_failed: ClassVar[bool] = False


class AnswerInvalid(Exception):
    """Inside the adapter: an answer failed a check; becomes ``IssuerAnswerRefused``.

    Raised by the parsing and verifying modules, which know nothing of
    residents or issuer names; the adapter turns it into the error the locker
    sees, in one place.
    """

    def __init__(self, problem: AnswerProblem, detail: str) -> None:
        super().__init__(detail)
        self.problem = problem
        self.detail = detail
