"""The DigiLocker-compatible adapter: any issuer serving DigiLocker's Pull URI API.

An issuer that already answers DigiLocker joins with configuration alone::

    from adapters.digilocker import digilocker_adapter, read_config_file

    for config in read_config_file(Path("issuers.toml")):
        registry.add(digilocker_adapter(config), origin="issuers.toml")

Modules, in the order a pull goes through them: ``config`` and ``loading``
(what an issuer is, read from a file), ``protocol`` (requests, ``keyhash``,
``x-digilocker-hmac``), ``transport`` (timeouts, size bound), ``response``
(hardened parsing, both namespaces), ``signature`` (the issuer's signed
``DataContent``), ``certificate`` (to the standard document), ``recent``
(what ``find`` received, for ``fetch``), ``client`` and ``adapter`` (statuses
to the SDK's errors).
"""

from adapters.digilocker.adapter import digilocker_adapter
from adapters.digilocker.certificate import DigiLockerDocument
from adapters.digilocker.client import PullUriClient
from adapters.digilocker.config import (
    ContentFormat,
    DigiLockerIssuerConfig,
    IssuerDocType,
    IssuerLookupField,
    RequestNamespace,
)
from adapters.digilocker.errors import AnswerProblem, IssuerAnswerRefused, PullPending
from adapters.digilocker.loading import (
    ConfigError,
    load_issuer_config,
    read_config_file,
)
from adapters.digilocker.protocol import HMAC_HEADER, body_hmac, hmac_matches, keyhash

__all__ = [
    "HMAC_HEADER",
    "AnswerProblem",
    "ConfigError",
    "ContentFormat",
    "DigiLockerDocument",
    "DigiLockerIssuerConfig",
    "IssuerAnswerRefused",
    "IssuerDocType",
    "IssuerLookupField",
    "PullPending",
    "PullUriClient",
    "RequestNamespace",
    "body_hmac",
    "digilocker_adapter",
    "hmac_matches",
    "keyhash",
    "load_issuer_config",
    "read_config_file",
]
