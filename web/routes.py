"""Plain HTTP routes beside GraphQL: the PDF download, health, the dev outbox."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from adapters.sdk import AdapterError
from models import Account
from services.container import Services
from services.errors import LinkExpired, LockerError


def _problem(error: LockerError | AdapterError, status_code: int) -> JSONResponse:
    return JSONResponse(
        {"code": error.code, "message": error.message}, status_code=status_code
    )


async def document_pdf(request: Request) -> Response:
    """Send a document's signed PDF to the holder of a valid download link.

    The link stands for the resident it was made for; it is checked again that
    the document is still in that resident's locker.
    """
    services: Services = request.app.state.services
    try:
        grant = services.links.check(request.query_params.get("token", ""))
        account = await Account.get_or_none(id=grant.viewer_id)
        if account is None:
            raise LinkExpired("This link's account no longer exists.")
        document = await services.locker.issued_document(account, grant.uri)
        # The resident's own link: the stale copy their locker showed, if any.
        content = await services.locker.content(document.uri, allow_stale=True)
    except LockerError as error:
        return _problem(error, 403 if error.code == "LINK_EXPIRED" else 404)
    except AdapterError as error:
        # The issuer cannot serve the document now (or no longer has it).
        return _problem(error, 503 if error.code == "ISSUER_UNAVAILABLE" else 404)

    filename = f"{document.doc_type}-{document.uri.rsplit('-', 1)[-1]}.pdf"
    return Response(
        content.pdf,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


async def health(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def dev_outbox(request: Request) -> Response:
    """Development only: the last SMS messages the log sender sent.

    Lets the demo, and a developer without a phone, read OTPs over HTTP; it is
    never routed in production.
    """
    services: Services = request.app.state.services
    mobile = request.query_params.get("mobile")
    messages = [
        {"mobile": message.mobile, "text": message.text, "sentAt": message.sent_at}
        for message in getattr(services.sms, "messages", [])
        if mobile is None or message.mobile == mobile
    ]
    return JSONResponse({"messages": messages[-20:]})
