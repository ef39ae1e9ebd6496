"""The public check of a document someone was handed; no session needed.

``POST /verify`` takes a certificate XML or PDF rendition as the raw request
body (the Content-Type header is ignored: the verifier decides by content) and
answers the verdict as JSON::

    {"authentic": true, "signatureValid": true, "status": "ACTIVE",
     "uri": "in.gov.pan-PANCR-BKRPM4817L",
     "issuer": {"id": "in.gov.pan", "name": "Income Tax Department"},
     "docType": "PANCR", "holderName": "ROHAN MEHTA",
     "checkedAt": "2026-…", "reasons": ["…", "…"]}

The body is bounded while it streams in, like an upload's: a request that
declares or sends more than ``MAX_FILE_BYTES`` is refused as soon as it passes
it. A file that cannot be read is refused with ``{code, message}`` and the
same codes as uploads (``EMPTY_FILE``, ``FILE_TOO_LARGE``,
``UNSUPPORTED_FILE_TYPE``, ``FILE_DAMAGED``, ``FILE_ENCRYPTED``).

``GET /verify/{uri}`` is where the QR code on a PDF leads: the issuer's
current status of that URI as a small HTML page (escaped, no script, a
Content-Security-Policy that allows nothing but its inline style, and no
framing), or as the same JSON when the client asks for ``application/json``.

Each check asks an issuer, so both routes count requests per client address
(``VERIFY_LIMIT``) and answer ``RATE_LIMITED`` past it. Neither the file nor
the holder's name is ever logged.
"""

from __future__ import annotations

import html
from datetime import timedelta, timezone
from typing import Any

from starlette.requests import ClientDisconnect, Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from resolvers.context import client_address
from services.container import Services
from services.errors import (
    FileTooLarge,
    LockerError,
    RateLimited,
    UploadIncomplete,
)
from services.ratelimit import Limit
from services.verification import Verdict
from web.uploads import STATUS, problem

VERIFY_LIMIT = Limit.moving_window(30, 60)
"""Checks one client address may ask for in any minute, files and URIs
together: a desk checking papers by hand stays far below it."""

_INDIA = timezone(timedelta(hours=5, minutes=30), "IST")
_SHOWN_URI = 200
_HTML_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; "
        "base-uri 'none'; form-action 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "Vary": "Accept",
}
_STATUS_WORDS = {
    "ACTIVE": ("Active", "good"),
    "EXPIRED": ("Expired", "bad"),
    "REVOKED": ("Revoked", "bad"),
    "SUSPENDED": ("Suspended", "bad"),
}
_STYLE = """
body{font-family:system-ui,sans-serif;margin:0 auto;max-width:40rem;
padding:1.5rem 1rem;color:#1b1b1b;line-height:1.5}
h1{font-size:1.4rem;margin:0 0 1rem}
.badge{display:inline-block;padding:.3rem .9rem;border-radius:.3rem;
font-weight:bold;font-size:1.2rem;color:#fff;background:#5f6368}
.good{background:#1e7b34}.bad{background:#b3261e}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1rem}
dt{color:#5f6368}dd{margin:0;overflow-wrap:anywhere}
.note{font-size:.9rem;color:#5f6368;border-top:1px solid #ddd;padding-top:.8rem}
"""


async def post_verify(request: Request) -> Response:
    """Check the file in the body; the verdict as JSON."""
    services: Services = request.app.state.services
    try:
        await _admit(services, request)
        data = await read_bounded_body(request, services.verification.max_bytes)
        verdict = await services.verification.verify_file(data)
    except LockerError as error:
        return problem(error)

    return JSONResponse(verdict_json(verdict), headers={"Cache-Control": "no-store"})


async def get_verify(request: Request) -> Response:
    """The issuer's current status of a URI, as a page or as JSON."""
    services: Services = request.app.state.services
    uri = str(request.path_params["uri"])
    wants_json = _wants_json(request)
    try:
        await _admit(services, request)
        verdict = await services.verification.verify_uri(uri)
    except LockerError as error:
        if wants_json:
            return problem(error)
        page = _page(_problem_body(uri, error), status_code=STATUS.get(error.code, 400))
        if error.retry_after_seconds is not None:
            page.headers["Retry-After"] = str(error.retry_after_seconds)
        return page

    if wants_json:
        return JSONResponse(
            verdict_json(verdict),
            headers={"Cache-Control": "no-store", "Vary": "Accept"},
        )
    return _page(_verdict_body(verdict, _doc_type_name(services, verdict)))


def verdict_json(verdict: Verdict) -> dict[str, Any]:
    """A verdict as the routes answer it, in the API's camelCase."""
    issuer = None
    if verdict.issuer_id is not None:
        issuer = {"id": verdict.issuer_id, "name": verdict.issuer_name}
    return {
        "authentic": verdict.authentic,
        "signatureValid": verdict.signature_valid,
        "status": verdict.status,
        "uri": verdict.uri,
        "issuer": issuer,
        "docType": verdict.doc_type,
        "holderName": verdict.holder_name,
        "checkedAt": verdict.checked_at.isoformat(),
        "reasons": verdict.reasons,
    }


async def _admit(services: Services, request: Request) -> None:
    limiter = services.limiter
    key = limiter.key("verify:address", client_address(request))
    if await limiter.hit(key, VERIFY_LIMIT):
        return
    seconds = await limiter.retry_after(key, VERIFY_LIMIT)
    raise RateLimited(
        "Too many documents were checked from your network just now; try again "
        f"in {seconds} seconds.",
        retry_after_seconds=seconds,
    )


async def read_bounded_body(request: Request, max_bytes: int) -> bytes:
    """The body, refused once it passes ``max_bytes``: the rest is never read."""
    too_large = FileTooLarge(
        f"The file is over {max_bytes:,} bytes; a document issued through the "
        "locker is far smaller, so this is not one."
    )
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise too_large

    body = bytearray()
    try:
        async for chunk in request.stream():
            body += chunk
            if len(body) > max_bytes:
                raise too_large
    except ClientDisconnect as error:
        raise UploadIncomplete(
            "The connection closed before the file arrived."
        ) from error
    return bytes(body)


def _wants_json(request: Request) -> bool:
    accept = request.headers.get("accept", "").lower()
    return "application/json" in accept and "text/html" not in accept


def _doc_type_name(services: Services, verdict: Verdict) -> str | None:
    adapter = services.registry.get(verdict.issuer_id or "")
    if adapter is None:
        return None
    names = {spec.code: spec.name for spec in adapter.doc_types}
    return names.get(verdict.doc_type or "")


def _verdict_body(verdict: Verdict, doc_type_name: str | None) -> str:
    word, tone = _STATUS_WORDS.get(verdict.status or "", ("Not confirmed", ""))
    checked = verdict.checked_at.astimezone(_INDIA).strftime("%d %B %Y, %H:%M IST")
    rows = [
        ("Document", doc_type_name or verdict.doc_type),
        ("Issuer", verdict.issuer_name or verdict.issuer_id),
        ("Reference", verdict.uri),
        ("Checked", checked),
    ]
    details = "".join(
        f"<dt>{_e(label)}</dt><dd>{_e(value)}</dd>" for label, value in rows if value
    )
    reasons = "".join(f"<li>{_e(reason)}</li>" for reason in verdict.reasons)

    return (
        "<h1>Document status</h1>"
        f'<p><span class="badge {tone}">{_e(word)}</span></p>'
        f"<dl>{details}</dl><ul>{reasons}</ul>"
        '<p class="note">This is what the issuer reports today about the '
        "document with this reference. It does not show that a paper or file "
        "you were shown is genuine: compare it with these details, or have the "
        "file's signature checked by sending the PDF or XML file itself to this "
        "locker's verification service.</p>"
    )


def _problem_body(uri: str, error: LockerError) -> str:
    shown = uri if len(uri) <= _SHOWN_URI else uri[:_SHOWN_URI] + "…"
    return (
        "<h1>This check could not be made</h1>"
        f"<p>{_e(error.message)}</p>"
        f"<dl><dt>You asked about</dt><dd>{_e(shown)}</dd></dl>"
    )


def _page(body: str, *, status_code: int = 200) -> HTMLResponse:
    document = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>Document status · openlocker</title>"
        f"<style>{_STYLE}</style></head><body>{body}</body></html>"
    )
    return HTMLResponse(document, status_code=status_code, headers=_HTML_HEADERS)


def _e(text: str) -> str:
    return html.escape(text, quote=True)
