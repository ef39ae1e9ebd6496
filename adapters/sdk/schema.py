"""Checking certificate XML: a hardened parser and the project's schema.

Two tools for XML the locker did not write itself:

- ``safe_parse`` turns bytes from outside (an issuer's certificate, an upload)
  into an lxml element with every dangerous XML feature off: no DTD at all
  (a document with a DOCTYPE is refused outright), no entity expansion, no
  network, no huge trees, and a bound on size.
- ``validate_certificate`` checks a certificate against ``certificate.xsd``,
  the schema this package ships. The schema is built once, on first use, from
  the bundled file; the only other file it reads is the W3C xmldsig schema
  bundled with xmlschema. A document's own ``xsi:schemaLocation`` is never
  followed.

Both raise ``CertificateInvalid``.
"""

from __future__ import annotations

import threading
from itertools import islice
from pathlib import Path

import xmlschema
from lxml import etree

from adapters.sdk.errors import AdapterError

XSD_PATH = Path(__file__).with_name("certificate.xsd")
DEFAULT_MAX_BYTES = 5_000_000
_REASONS_SHOWN = 5

_schema: xmlschema.XMLSchema10 | None = None
_schema_lock = threading.Lock()


class CertificateInvalid(AdapterError):
    """Certificate XML that is unsafe, not well-formed, or not of the schema's shape.

    ``reasons`` holds the first few problems found, each with its path in the
    document; the message lists them too.
    """

    code = "CERTIFICATE_INVALID"

    def __init__(self, message: str, *, reasons: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.reasons = reasons


def safe_parse(data: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> etree._Element:
    """Parse XML from outside into its root element, refusing anything risky.

    Refused, with ``CertificateInvalid``: more than ``max_bytes`` bytes, a
    document that is not well-formed, and any document with a DOCTYPE (which
    is where entity bombs and external entities live).
    """
    if len(data) > max_bytes:
        raise CertificateInvalid(
            f"The XML is {len(data)} bytes long; at most {max_bytes} are accepted."
        )

    # A parser per call: lxml parser objects must not be shared between threads.
    parser = etree.XMLParser(
        resolve_entities=False,
        load_dtd=False,
        dtd_validation=False,
        no_network=True,
        huge_tree=False,
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        raise CertificateInvalid(
            f"The XML is not well-formed: {error.msg}", reasons=(str(error.msg),)
        ) from None

    docinfo = root.getroottree().docinfo
    if docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise CertificateInvalid(
            "The XML declares a DOCTYPE; document type declarations are refused.",
            reasons=("DOCTYPE present",),
        )

    return root


def certificate_schema() -> xmlschema.XMLSchema10:
    """The compiled certificate schema, built on first call and then reused.

    Call it at start-up to pay the build cost before the first request.
    """
    global _schema
    if _schema is not None:
        return _schema
    with _schema_lock:
        if _schema is None:
            _schema = xmlschema.XMLSchema10(
                str(XSD_PATH), allow="local", defuse="always"
            )
        return _schema


def validate_certificate(xml: bytes | etree._Element) -> None:
    """Check certificate XML against the project's schema.

    Bytes are parsed with ``safe_parse`` first. Raises ``CertificateInvalid``
    naming the first few problems with their paths; returns nothing when the
    document is valid.
    """
    root = safe_parse(xml) if isinstance(xml, bytes) else xml
    if root.tag != "Certificate":
        raise CertificateInvalid(
            f"The root element is {root.tag!r}; a certificate's root is 'Certificate'.",
            reasons=(f"/{root.tag}: unexpected root element",),
        )

    errors = certificate_schema().iter_errors(root, use_location_hints=False)
    reasons = tuple(
        f"{error.path or '/'}: {error.reason or error.message}"
        for error in islice(errors, _REASONS_SHOWN + 1)
    )
    if not reasons:
        return

    shown = "; ".join(reasons[:_REASONS_SHOWN])
    more = " (and more)" if len(reasons) > _REASONS_SHOWN else ""
    raise CertificateInvalid(
        f"The certificate XML does not match the certificate schema: {shown}{more}",
        reasons=reasons[:_REASONS_SHOWN],
    )
