"""Residents' consents to requesters, and the signed artefacts that record them.

``ConsentService`` grants, lists and revokes consents and decides every read
(``authorize_read``); ``artefact`` signs and verifies the consent artefact;
``keys`` keeps the locker's consent signing key.
"""

from services.consents.artefact import InvalidArtefact, verify_artefact
from services.consents.errors import (
    ConsentExpired,
    ConsentNotFound,
    ConsentRevoked,
    NotGranted,
    ReadLimitReached,
)
from services.consents.keys import ConsentKeyStore
from services.consents.service import ConsentPage, ConsentService, ConsentStatus

__all__ = [
    "ConsentExpired",
    "ConsentKeyStore",
    "ConsentNotFound",
    "ConsentPage",
    "ConsentRevoked",
    "ConsentService",
    "ConsentStatus",
    "InvalidArtefact",
    "NotGranted",
    "ReadLimitReached",
    "verify_artefact",
]
