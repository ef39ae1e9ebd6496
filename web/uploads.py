"""The two HTTP routes of uploads: bytes in (``PUT``), bytes out (``GET``).

``PUT /uploads/<id>`` takes the raw bytes of an upload that the
``startUpload`` mutation began, with the session's ``Authorization: Bearer``
header. It is not a form post and takes no cookie, so another site cannot
make a resident's browser send it (no CSRF): a cross-site request cannot
carry the header without a CORS preflight, which this server never grants.
The body streams through; a request that declares (``Content-Length``) or
sends more than the upload was started for is refused once it passes that
size, without reading the rest.

``GET /uploads/<id>?token=…`` streams a file to the holder of a signed link
from ``downloadUrl``, with the file's checked content type and a safe
``Content-Disposition``.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncGenerator
from contextlib import aclosing

from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from models import Account, UploadedDocument
from resolvers.context import bearer_token
from services.container import Services
from services.errors import (
    LinkExpired,
    LockerError,
    NotAuthenticated,
    UploadIncomplete,
    UploadNotFound,
)
from services.objects import ObjectCorrupted
from services.uploads.names import content_disposition

logger = logging.getLogger(__name__)

# The HTTP status each upload error answers with; anything else is 400.
STATUS = {
    "NOT_AUTHENTICATED": 401,
    "SESSION_EXPIRED": 401,
    "LINK_EXPIRED": 403,
    "UPLOAD_NOT_FOUND": 404,
    "DOCUMENT_NOT_FOUND": 404,
    "QUOTA_EXCEEDED": 409,
    "FILE_TOO_LARGE": 413,
    "UNSUPPORTED_FILE_TYPE": 415,
    "FILE_TYPE_MISMATCH": 415,
    "EMPTY_FILE": 422,
    "FILE_DAMAGED": 422,
    "FILE_ENCRYPTED": 422,
    "IMAGE_TOO_LARGE": 422,
    "RATE_LIMITED": 429,
    "STORAGE_UNAVAILABLE": 503,
}


def problem(error: LockerError) -> JSONResponse:
    """An error as JSON, with the same ``code`` GraphQL would give."""
    headers = {"Cache-Control": "no-store"}
    if error.retry_after_seconds is not None:
        headers["Retry-After"] = str(error.retry_after_seconds)
    return JSONResponse(
        {"code": error.code, "message": error.message},
        status_code=STATUS.get(error.code, 400),
        headers=headers,
    )


async def put_upload(request: Request) -> Response:
    """Receive the bytes of an upload and answer with the stored file."""
    services: Services = request.app.state.services
    try:
        token = bearer_token(request)
        if token is None:
            raise NotAuthenticated(
                "Send the session token as `Authorization: Bearer <token>`."
            )
        account, _ = await services.accounts.authenticate(token)
        upload_id = _upload_id(request)
        declared = _content_length(request)
        document = await services.uploads.receive(
            account, upload_id, _body(request), declared_length=declared
        )
    except LockerError as error:
        # Closing the connection is how the server stops reading a body it
        # refused; kept alive, it would have to read (and discard) the rest.
        response = problem(error)
        response.headers["Connection"] = "close"
        return response

    return JSONResponse(
        {
            "id": str(document.id),
            "name": document.name,
            "folder": document.folder,
            "size": document.size,
            "contentType": document.content_type,
            "sha256": document.sha256,
        },
        status_code=201,
        headers={"Cache-Control": "no-store"},
    )


async def get_upload(request: Request) -> Response:
    """Stream a file to the holder of a valid download link."""
    services: Services = request.app.state.services
    document_id = str(request.path_params["upload_id"])
    try:
        grant = services.links.check_upload(
            request.query_params.get("token", ""), document_id
        )
        account = await Account.get_or_none(id=grant.viewer_id)
        if account is None:
            raise LinkExpired("This link's account no longer exists.")
        document = await services.uploads.document(account, document_id)
        chunks = await services.uploads.content(document)
    except LockerError as error:
        return problem(error)
    except ObjectCorrupted:
        logger.exception("an uploaded file failed its integrity check")
        return JSONResponse(
            {
                "code": "STORAGE_UNAVAILABLE",
                "message": "This file cannot be read back intact just now.",
            },
            status_code=503,
        )

    inline = request.query_params.get("inline") == "1"
    # The content was sniffed to be a PDF, JPEG or PNG (never HTML), and nosniff
    # keeps browsers to that. A sandboxed document cannot run the built-in PDF
    # viewers, so a PDF shown inline goes without `sandbox`.
    policy = "default-src 'none'"
    if not (inline and document.content_type == "application/pdf"):
        policy += "; sandbox"
    return StreamingResponse(
        _guarded(chunks, document),
        media_type=document.content_type,
        headers={
            "Content-Length": str(document.size),
            "Content-Disposition": content_disposition(document.name, inline=inline),
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": policy,
        },
    )


async def _guarded(
    chunks: AsyncGenerator[bytes, None], document: UploadedDocument
) -> AsyncGenerator[bytes, None]:
    """The file's chunks; a failed integrity check mid-way aborts the response.

    Raising here makes the server drop the connection before the declared
    ``Content-Length`` is reached, so the client sees a failed download rather
    than a file that looks complete.
    """
    async with aclosing(chunks):
        try:
            async for chunk in chunks:
                yield chunk
        except ObjectCorrupted:
            logger.exception(
                "an uploaded file failed its integrity check mid-download",
                extra={"upload_id": str(document.id)},
            )
            raise


def _upload_id(request: Request) -> uuid.UUID:
    try:
        return uuid.UUID(str(request.path_params["upload_id"]))
    except ValueError as error:
        raise UploadNotFound("There is no upload with this id.") from error


def _content_length(request: Request) -> int | None:
    header = request.headers.get("content-length")
    if header is None:
        return None
    try:
        length = int(header)
    except ValueError as error:
        raise UploadIncomplete("The Content-Length header is not a number.") from error
    if length < 0:
        raise UploadIncomplete("The Content-Length header is negative.")
    return length


async def _body(request: Request) -> AsyncGenerator[bytes, None]:
    """The request body as it arrives; a client that hangs up ends the upload."""
    try:
        async for chunk in request.stream():
            if chunk:
                yield chunk
    except ClientDisconnect as error:
        raise UploadIncomplete(
            "The connection closed before the file arrived."
        ) from error
