"""Errors a client can act on, as GraphQL data: ``Problem`` with a stable code."""

from __future__ import annotations

import enum
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

import strawberry
from graphql import GraphQLError

from adapters.sdk import AdapterError
from services.errors import LockerError

logger = logging.getLogger(__name__)


@strawberry.enum(description="Stable machine codes of the problems the API reports.")
class ErrorCode(enum.Enum):
    INVALID_MOBILE = strawberry.enum_value(
        "INVALID_MOBILE", description="Not a 10-digit Indian mobile number."
    )
    OTP_CHALLENGE_NOT_FOUND = strawberry.enum_value(
        "OTP_CHALLENGE_NOT_FOUND", description="No such OTP request; start again."
    )
    OTP_INVALID = strawberry.enum_value(
        "OTP_INVALID", description="Wrong OTP; the message says how many tries remain."
    )
    OTP_EXPIRED = strawberry.enum_value(
        "OTP_EXPIRED", description="The OTP is too old; ask for a new one."
    )
    OTP_ATTEMPTS_EXCEEDED = strawberry.enum_value(
        "OTP_ATTEMPTS_EXCEEDED",
        description="Too many wrong tries; the OTP is void, ask for a new one.",
    )
    OTP_ALREADY_USED = strawberry.enum_value(
        "OTP_ALREADY_USED", description="The OTP was already used."
    )
    OTP_NOT_VERIFIED = strawberry.enum_value(
        "OTP_NOT_VERIFIED", description="Verify the OTP before this step."
    )
    INVALID_USERNAME = strawberry.enum_value(
        "INVALID_USERNAME", description="The username does not follow the rules."
    )
    USERNAME_TAKEN = strawberry.enum_value(
        "USERNAME_TAKEN", description="Another account has this username."
    )
    WEAK_PASSWORD = strawberry.enum_value(
        "WEAK_PASSWORD", description="The password is refused; the message says why."
    )
    INVALID_CREDENTIALS = strawberry.enum_value(
        "INVALID_CREDENTIALS", description="Wrong username, mobile or password."
    )
    NOT_AUTHENTICATED = strawberry.enum_value(
        "NOT_AUTHENTICATED", description="Sign in and send the session token."
    )
    SESSION_EXPIRED = strawberry.enum_value(
        "SESSION_EXPIRED",
        description="The session ended after inactivity or its lifetime; sign in.",
    )
    INVALID_AADHAAR = strawberry.enum_value(
        "INVALID_AADHAAR", description="Not a valid 12-digit Aadhaar number."
    )
    AADHAAR_ALREADY_LINKED = strawberry.enum_value(
        "AADHAAR_ALREADY_LINKED",
        description="This account or this Aadhaar number is already linked.",
    )
    AADHAAR_NOT_LINKED = strawberry.enum_value(
        "AADHAAR_NOT_LINKED", description="Link Aadhaar before pulling documents."
    )
    EKYC_FAILED = strawberry.enum_value(
        "EKYC_FAILED", description="The eKYC provider could not confirm the number."
    )
    UNKNOWN_ISSUER = strawberry.enum_value(
        "UNKNOWN_ISSUER", description="No such issuer serves this locker."
    )
    INVALID_URI = strawberry.enum_value(
        "INVALID_URI", description="Not a document URI (IssuerId-DocType-DocId)."
    )
    DOCUMENT_NOT_FOUND = strawberry.enum_value(
        "DOCUMENT_NOT_FOUND", description="The document is not in your locker."
    )
    HOLDER_MISMATCH = strawberry.enum_value(
        "HOLDER_MISMATCH",
        description="The issuer's record is not in your verified name and birth date.",
    )
    INVALID_LOOKUP = strawberry.enum_value(
        "INVALID_LOOKUP", description="A lookup value is missing or malformed."
    )
    RECORD_NOT_FOUND = strawberry.enum_value(
        "RECORD_NOT_FOUND", description="The issuer has no record for these values."
    )
    ISSUER_UNAVAILABLE = strawberry.enum_value(
        "ISSUER_UNAVAILABLE", description="The issuer cannot answer now; try later."
    )
    CERTIFICATE_INVALID = strawberry.enum_value(
        "CERTIFICATE_INVALID",
        description="The issuer's document failed validation against the "
        "certificate XSD and was not served.",
    )
    SIGNATURE_INVALID = strawberry.enum_value(
        "SIGNATURE_INVALID",
        description="A signature does not verify against the issuer's certificate.",
    )
    MOBILE_ALREADY_REGISTERED = strawberry.enum_value(
        "MOBILE_ALREADY_REGISTERED",
        description="Another account took this mobile number during sign-up.",
    )
    SMS_DELIVERY_FAILED = strawberry.enum_value(
        "SMS_DELIVERY_FAILED", description="The SMS could not be sent; try again."
    )
    INVALID_CURSOR = strawberry.enum_value(
        "INVALID_CURSOR", description="The paging cursor is not one the API gave."
    )
    INVALID_ARGUMENT = strawberry.enum_value(
        "INVALID_ARGUMENT", description="An argument is out of its allowed range."
    )
    RATE_LIMITED = strawberry.enum_value(
        "RATE_LIMITED",
        description="Too many tries; `retryAfterSeconds` says when to try again.",
    )
    SESSION_NOT_FOUND = strawberry.enum_value(
        "SESSION_NOT_FOUND", description="No such session of this account."
    )
    LINK_EXPIRED = strawberry.enum_value(
        "LINK_EXPIRED", description="The download link is invalid or expired."
    )
    FILE_TOO_LARGE = strawberry.enum_value(
        "FILE_TOO_LARGE",
        description="The file is larger than the per-file limit (`maxFileBytes`).",
    )
    QUOTA_EXCEEDED = strawberry.enum_value(
        "QUOTA_EXCEEDED",
        description="The file would take the resident past their storage quota.",
    )
    EMPTY_FILE = strawberry.enum_value("EMPTY_FILE", description="The file is empty.")
    UNSUPPORTED_FILE_TYPE = strawberry.enum_value(
        "UNSUPPORTED_FILE_TYPE",
        description="The content is not a PDF, JPEG or PNG, whatever its name says.",
    )
    FILE_TYPE_MISMATCH = strawberry.enum_value(
        "FILE_TYPE_MISMATCH",
        description="The file name's extension contradicts its content.",
    )
    FILE_DAMAGED = strawberry.enum_value(
        "FILE_DAMAGED", description="The file is truncated or broken and does not open."
    )
    FILE_ENCRYPTED = strawberry.enum_value(
        "FILE_ENCRYPTED",
        description="The PDF is password-protected; upload it without a password.",
    )
    IMAGE_TOO_LARGE = strawberry.enum_value(
        "IMAGE_TOO_LARGE",
        description="The image's dimensions are too large (or it is a "
        "decompression bomb).",
    )
    INVALID_FILE_NAME = strawberry.enum_value(
        "INVALID_FILE_NAME",
        description="The file name is empty, too long or has no usable characters.",
    )
    INVALID_FOLDER = strawberry.enum_value(
        "INVALID_FOLDER", description="The folder name is not allowed."
    )
    UNKNOWN_DOC_TYPE = strawberry.enum_value(
        "UNKNOWN_DOC_TYPE", description="No issuer declares this document type."
    )
    UPLOAD_NOT_FOUND = strawberry.enum_value(
        "UPLOAD_NOT_FOUND",
        description="No upload awaits bytes under this id (or its time ran out).",
    )
    UPLOAD_INCOMPLETE = strawberry.enum_value(
        "UPLOAD_INCOMPLETE",
        description="The upload's body did not match its declared size.",
    )
    STORAGE_UNAVAILABLE = strawberry.enum_value(
        "STORAGE_UNAVAILABLE",
        description="The object store failed; nothing was kept or counted. Retry.",
    )
    NOT_SIGNABLE = strawberry.enum_value(
        "NOT_SIGNABLE", description="This document cannot be eSigned."
    )

    CONSENT_NOT_FOUND = strawberry.enum_value(
        "CONSENT_NOT_FOUND", description="No consent with this id was given to you."
    )
    CONSENT_REVOKED = strawberry.enum_value(
        "CONSENT_REVOKED", description="The resident revoked the consent."
    )
    CONSENT_EXPIRED = strawberry.enum_value(
        "CONSENT_EXPIRED", description="The consent's time ran out."
    )
    NOT_GRANTED = strawberry.enum_value(
        "NOT_GRANTED",
        description="The consent does not cover this document, or not in this form.",
    )
    READ_LIMIT_REACHED = strawberry.enum_value(
        "READ_LIMIT_REACHED", description="Every read the consent allows was made."
    )
    NOT_FOR_REQUESTERS = strawberry.enum_value(
        "NOT_FOR_REQUESTERS",
        description="A requester's access token cannot be used here: this is for "
        "residents (or the operator). Requesters read through `sharedConsent`, "
        "`sharedDocument` and `verifyDocument`.",
    )
    PULL_PENDING = strawberry.enum_value(
        "PULL_PENDING",
        description="The issuer is preparing the document and will push it to the "
        "locker; it appears in the locker when it arrives.",
    )
    ISSUERS_ONLY = strawberry.enum_value(
        "ISSUERS_ONLY", description="Only an issuer's token can do this."
    )
    PUSHES_NOT_ACCEPTED = strawberry.enum_value(
        "PUSHES_NOT_ACCEPTED",
        description="This issuer's adapter cannot fetch a document by its URI, so "
        "pushed URIs could never be read.",
    )
    PUSH_REFUSED = strawberry.enum_value(
        "PUSH_REFUSED",
        description="Nothing of the push was applied; `PushRefusal.problems` says "
        "what was wrong with each URI.",
    )
    REQUESTERS_ONLY = strawberry.enum_value(
        "REQUESTERS_ONLY",
        description="Only a requester's access token can read this; residents see "
        "their consents under `me`.",
    )


@strawberry.type(description="Why a request could not be done, and what to do next.")
class Problem:
    code: ErrorCode = strawberry.field(description="Stable machine code.")
    message: str = strawberry.field(description="A sentence for the person.")
    field: str | None = strawberry.field(
        default=None, description="The argument or lookup field at fault, if any."
    )
    retry_after_seconds: int | None = strawberry.field(
        default=None,
        description="For a refusal by a rate limit, or by an issuer the locker is "
        "not calling for a while (`ISSUER_UNAVAILABLE`): seconds until a try may "
        "succeed.",
    )

    @classmethod
    def of(cls, error: LockerError | AdapterError) -> Problem:
        return cls(
            code=ErrorCode[error.code],
            message=error.message,
            field=getattr(error, "field", None),
            retry_after_seconds=getattr(error, "retry_after_seconds", None),
        )


def as_graphql_error(error: LockerError | AdapterError) -> GraphQLError:
    """A client error on a field that has no Problem result, as a GraphQL error.

    It carries the same stable code in ``extensions.code``.
    """
    return GraphQLError(
        error.message,
        extensions={"code": error.code, "field": getattr(error, "field", None)},
    )


T = TypeVar("T")
R = TypeVar("R")


async def outcome(work: Awaitable[T], wrap: Callable[[T], R]) -> R | Problem:
    """Await ``work`` and wrap its value, or turn a client error into a Problem."""
    try:
        value = await work
    except (LockerError, AdapterError) as error:
        logger.debug("Client error %s: %s", error.code, error.message)
        return Problem.of(error)

    return wrap(value)
