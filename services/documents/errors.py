"""Errors of the document pipeline.

``SignatureInvalid`` is a client-visible ``LockerError``: a certificate or PDF
whose signature does not check out. ``IssuerKeyError`` and its subclass
``MissingIssuerKey`` are operator problems (a key folder not provisioned, a
key file that does not match its certificate); they are not meant for clients,
which see them as an internal error.
"""

from __future__ import annotations

from services.errors import LockerError


class SignatureInvalid(LockerError):
    """A document's signature is missing, malformed, or not the issuer's."""

    code = "SIGNATURE_INVALID"


class IssuerKeyError(Exception):
    """An issuer's signing key or certificate cannot be used."""


class MissingIssuerKey(IssuerKeyError):
    """An issuer has no signing key on disk and the key store may not create one."""
