"""Errors the locker's services raise for a client to act on.

Every error a client can see derives from ``LockerError`` and carries a stable
machine ``code`` and a sentence that says what to do next. The GraphQL layer turns
them into typed error results; anything else is a crash, logged and masked.
Adapter errors (``adapters.sdk.errors``) keep their own codes and are mapped the
same way.
"""

from __future__ import annotations


class LockerError(Exception):
    """Base of every error a client may see."""

    code = "LOCKER_ERROR"

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        retry_after_seconds: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.retry_after_seconds = retry_after_seconds


class InvalidMobile(LockerError):
    code = "INVALID_MOBILE"


class OtpChallengeNotFound(LockerError):
    code = "OTP_CHALLENGE_NOT_FOUND"


class OtpInvalid(LockerError):
    code = "OTP_INVALID"


class OtpExpired(LockerError):
    code = "OTP_EXPIRED"


class OtpAttemptsExceeded(LockerError):
    code = "OTP_ATTEMPTS_EXCEEDED"


class OtpAlreadyUsed(LockerError):
    code = "OTP_ALREADY_USED"


class OtpNotVerified(LockerError):
    code = "OTP_NOT_VERIFIED"


class InvalidUsername(LockerError):
    code = "INVALID_USERNAME"


class UsernameTaken(LockerError):
    code = "USERNAME_TAKEN"


class WeakPassword(LockerError):
    code = "WEAK_PASSWORD"


class InvalidCredentials(LockerError):
    code = "INVALID_CREDENTIALS"


class NotAuthenticated(LockerError):
    code = "NOT_AUTHENTICATED"


class SessionExpired(LockerError):
    code = "SESSION_EXPIRED"


class InvalidAadhaar(LockerError):
    code = "INVALID_AADHAAR"


class AadhaarAlreadyLinked(LockerError):
    code = "AADHAAR_ALREADY_LINKED"


class AadhaarNotLinked(LockerError):
    code = "AADHAAR_NOT_LINKED"


class EkycFailed(LockerError):
    code = "EKYC_FAILED"


class UnknownIssuer(LockerError):
    code = "UNKNOWN_ISSUER"


class DocumentNotFound(LockerError):
    code = "DOCUMENT_NOT_FOUND"


class HolderDoesNotMatch(LockerError):
    code = "HOLDER_MISMATCH"


class LinkExpired(LockerError):
    code = "LINK_EXPIRED"


class InvalidUri(LockerError):
    code = "INVALID_URI"


class MobileAlreadyRegistered(LockerError):
    """Another account took this mobile number while sign-up was under way."""

    code = "MOBILE_ALREADY_REGISTERED"


class SmsDeliveryFailed(LockerError):
    """The SMS gateway could not be reached or refused the message."""

    code = "SMS_DELIVERY_FAILED"


class InvalidCursor(LockerError):
    code = "INVALID_CURSOR"


class InvalidArgument(LockerError):
    code = "INVALID_ARGUMENT"


class RateLimited(LockerError):
    """Too many tries or requests; ``retry_after_seconds`` says when to try again."""

    code = "RATE_LIMITED"


class SessionNotFound(LockerError):
    code = "SESSION_NOT_FOUND"


# Uploads, quota and eSign (issue 4).


class FileTooLarge(LockerError):
    """The file is larger than the per-file limit."""

    code = "FILE_TOO_LARGE"


class QuotaExceeded(LockerError):
    """The file would take the resident past their storage quota."""

    code = "QUOTA_EXCEEDED"


class EmptyFile(LockerError):
    code = "EMPTY_FILE"


class UnsupportedFileType(LockerError):
    """The content is not a PDF, JPEG or PNG, whatever its name says."""

    code = "UNSUPPORTED_FILE_TYPE"


class FileTypeMismatch(LockerError):
    """The file name's extension contradicts the content (a PNG named `.pdf`)."""

    code = "FILE_TYPE_MISMATCH"


class FileDamaged(LockerError):
    """The file claims a supported type but does not open: truncated or broken."""

    code = "FILE_DAMAGED"


class FileEncrypted(LockerError):
    """A password-protected PDF, which the locker cannot check or eSign."""

    code = "FILE_ENCRYPTED"


class ImageTooLarge(LockerError):
    """An image of absurd dimensions, or a decompression bomb."""

    code = "IMAGE_TOO_LARGE"


class InvalidFileName(LockerError):
    code = "INVALID_FILE_NAME"


class InvalidFolder(LockerError):
    code = "INVALID_FOLDER"


class UnknownDocType(LockerError):
    code = "UNKNOWN_DOC_TYPE"


class UploadNotFound(LockerError):
    """No upload awaiting bytes under this id for this resident (or it expired)."""

    code = "UPLOAD_NOT_FOUND"


class UploadIncomplete(LockerError):
    """The body ended before the declared size, or ran past it."""

    code = "UPLOAD_INCOMPLETE"


class StorageUnavailable(LockerError):
    """The object store failed; nothing was kept and nothing was counted."""

    code = "STORAGE_UNAVAILABLE"


class NotSignable(LockerError):
    """This document cannot be eSigned (for example, it is not ready)."""

    code = "NOT_SIGNABLE"


# Consents (issue 5).


class ConsentNotFound(LockerError):
    """No consent under this id for the one asking (the resident or requester)."""

    code = "CONSENT_NOT_FOUND"


class ConsentRevoked(LockerError):
    """The resident revoked the consent; nothing may be read under it."""

    code = "CONSENT_REVOKED"


class ConsentExpired(LockerError):
    """The consent's time ran out; the requester must ask the resident again."""

    code = "CONSENT_EXPIRED"


class NotGranted(LockerError):
    """The consent does not cover this document, or not in this form."""

    code = "NOT_GRANTED"


class ReadLimitReached(LockerError):
    """Every read the consent allows has been made."""

    code = "READ_LIMIT_REACHED"


# Requesters reading under a consent (issue 5).


class NotForRequesters(LockerError):
    """A requester's access token was sent to a field for residents or the public."""

    code = "NOT_FOR_REQUESTERS"


class RequestersOnly(LockerError):
    """A resident's session was sent to a field only requesters read."""

    code = "REQUESTERS_ONLY"


# Issuers (issue 6).


class IssuersOnly(LockerError):
    """Only an issuer's token may do this (push documents)."""

    code = "ISSUERS_ONLY"


class PushesNotAccepted(LockerError):
    """This issuer's documents cannot be fetched by URI, so pushes are refused."""

    code = "PUSHES_NOT_ACCEPTED"


class PushRefused(LockerError):
    """A push was refused as a whole; ``problems`` says what was wrong with what.

    Each problem is ``(position, error)``: the 1-based position of the pushed
    URI at fault and the error for it. Nothing of a refused push is applied.
    """

    code = "PUSH_REFUSED"

    def __init__(self, problems: list[tuple[int, LockerError]]) -> None:
        first_position, first = problems[0]
        super().__init__(
            f"Nothing was pushed: URI {first_position} is wrong ({first.message})"
            + (f" and {len(problems) - 1} more." if len(problems) > 1 else ""),
            field=first.field,
        )
        self.problems = problems
