"""The issuer adapter SDK: everything an adapter package imports.

from adapters.sdk import IssuerAdapter, DocTypeSpec, LookupField, ...
"""

from adapters.sdk.base import IssuerAdapter
from adapters.sdk.document import (
    Address,
    DataNode,
    DisplaySection,
    DocumentStatus,
    DocumentUri,
    Organization,
    OrganizationType,
    Person,
    Photo,
    StandardDocument,
    make_uri,
    node,
    xml_date,
)
from adapters.sdk.errors import (
    AdapterError,
    HolderMismatch,
    InvalidLookup,
    IssuerUnavailable,
    PullPending,
    RecordNotFound,
)
from adapters.sdk.identity import (
    FindResult,
    Gender,
    Holder,
    Identity,
    IdentityVerdict,
    names_match,
)
from adapters.sdk.lookup import DateField, DocTypeSpec, LookupField
from adapters.sdk.schema import CertificateInvalid, safe_parse, validate_certificate
from adapters.sdk.xml import build_certificate, certificate_bytes

__all__ = [
    "AdapterError",
    "Address",
    "CertificateInvalid",
    "DataNode",
    "DateField",
    "DisplaySection",
    "DocTypeSpec",
    "DocumentStatus",
    "DocumentUri",
    "FindResult",
    "Gender",
    "Holder",
    "HolderMismatch",
    "Identity",
    "IdentityVerdict",
    "InvalidLookup",
    "IssuerAdapter",
    "IssuerUnavailable",
    "LookupField",
    "Organization",
    "OrganizationType",
    "Person",
    "Photo",
    "PullPending",
    "RecordNotFound",
    "StandardDocument",
    "build_certificate",
    "certificate_bytes",
    "make_uri",
    "names_match",
    "node",
    "safe_parse",
    "validate_certificate",
    "xml_date",
]
