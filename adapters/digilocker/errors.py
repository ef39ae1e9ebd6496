"""What the DigiLocker-compatible adapter raises beyond the SDK's own errors.

Both are ``IssuerUnavailable`` to the locker (code ``ISSUER_UNAVAILABLE``), so
the API answers them as it answers any issuer that cannot help right now; the
subclasses let the adapter's callers and tests tell why::

    IssuerUnavailable            (adapters.sdk) unreachable, too slow, HTTP error
    ├── PullPending              the issuer answered status 9: it will push later
    └── IssuerAnswerRefused      the answer came but cannot be trusted or read

``RecordNotFound`` (status 0) and ``InvalidLookup`` come from the SDK as they are.
``AnswerInvalid`` never leaves the package: the parsing modules raise it and
the client turns it into ``IssuerAnswerRefused``.
"""

from __future__ import annotations

import enum

from adapters.sdk import IssuerUnavailable


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


class PullPending(IssuerUnavailable):
    """The issuer has the request and will push the document later (status 9).

    ``transaction_id`` is the ``txn`` of the request, which the issuer's push
    names when it comes.
    """

    def __init__(self, message: str, *, transaction_id: str) -> None:
        super().__init__(message)
        self.transaction_id = transaction_id


class IssuerAnswerRefused(IssuerUnavailable):
    """The issuer answered, but with something the adapter will not use.

    ``problem`` says what kind of fault it was; ``detail`` is a sentence for
    the operator's log (never shown to residents, never document content).
    """

    def __init__(self, message: str, *, problem: AnswerProblem, detail: str) -> None:
        super().__init__(message)
        self.problem = problem
        self.detail = detail


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
