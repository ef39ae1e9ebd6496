"""``GET /shared/documents/pdf?token=…``: a shared PDF, for the requester only.

The link comes from ``SharedDocument.pdfLink``: it names the requester, the
consent and the URI, and lasts ``LOCKER_DOWNLOAD_LINK_SECONDS``. Following it
is the read. The route checks the link, that the requester is still
registered, that the consent still grants the document as a PDF and the
resident still holds it (``resolvers.access``), fetches the signed PDF, and
then asks the consent (``ConsentService.authorize_read``, form pdf), which
refuses a revoked or expired consent or one with no reads left, and otherwise
counts and logs the read. So a link made before the resident revoked the
consent stops working at once.

Errors answer ``{code, message}`` with the codes GraphQL uses.
"""

from __future__ import annotations

import logging
import uuid

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from adapters.sdk import AdapterError, DocumentUri
from models import Requester
from resolvers import access
from services.activity import DocumentForm
from services.container import Services
from services.errors import LinkExpired, LockerError
from services.locker import DocumentContent
from services.uploads.names import content_disposition

logger = logging.getLogger(__name__)

# The HTTP status of each refusal; any other client error is 400.
STATUS = {
    "LINK_EXPIRED": 403,
    "NOT_GRANTED": 403,
    "CONSENT_REVOKED": 403,
    "CONSENT_EXPIRED": 403,
    "READ_LIMIT_REACHED": 403,
    "CONSENT_NOT_FOUND": 404,
    "DOCUMENT_NOT_FOUND": 404,
    "RECORD_NOT_FOUND": 404,
    "ISSUER_UNAVAILABLE": 503,
}


async def shared_pdf(request: Request) -> Response:
    """Send a shared document's signed PDF, counting the read; see the module."""
    services: Services = request.app.state.services
    try:
        content = await _read(services, request.query_params.get("token", ""))
    except (LockerError, AdapterError) as error:
        logger.debug("Refused a shared PDF: %s", error.code)
        return JSONResponse(
            {"code": error.code, "message": error.message},
            status_code=STATUS.get(error.code, 400),
            headers={"Cache-Control": "no-store"},
        )

    uri = DocumentUri.parse(content.uri)
    return Response(
        content.pdf,
        media_type="application/pdf",
        headers={
            "Content-Disposition": content_disposition(
                f"{uri.doc_type}-{uri.doc_id}.pdf"
            ),
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; sandbox",
            "Referrer-Policy": "no-referrer",
        },
    )


async def _read(services: Services, token: str) -> DocumentContent:
    """The PDF a valid link names, once the consent allowed and counted the read."""
    grant = services.links.check_shared(token)
    requester = await Requester.get_or_none(id=uuid.UUID(grant.requester_id))
    if requester is None or not requester.active:
        raise LinkExpired(
            "This link's requester is no longer registered with the locker."
        )
    consent_id = uuid.UUID(grant.consent_id)
    document = await access.readable_document(
        requester, consent_id, grant.uri, DocumentForm.PDF
    )
    content = await services.locker.content(document.uri)

    await access.count_read(
        services, requester, consent_id, document.uri, DocumentForm.PDF
    )
    return content
