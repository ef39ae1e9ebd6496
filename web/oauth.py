"""The OAuth endpoints requesters call directly, and the server's metadata.

- ``POST /oauth/token``: exchange an authorization code or a refresh token;
- ``POST /oauth/revoke``: revoke a token (RFC 7009);
- ``POST /oauth/introspect``: what a token stands for (RFC 7662);
- ``GET /.well-known/oauth-authorization-server``: the metadata (RFC 8414).

Each reads the form body here (RFC 6749 asks for
``application/x-www-form-urlencoded``; the body is already bounded by
``BodySizeLimit``) and hands the parsed request to the authorization server
(``services.oauth.server``), which answers in RFC 6749's JSON with
``Cache-Control: no-store``. The authorization endpoint is the consent page's
(``web/consent_page.py``).
"""

from __future__ import annotations

import json
from typing import Literal
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from services.container import Services
from services.oauth.messages import OAuthAnswer, OAuthHttpRequest

FORM_TYPE = "application/x-www-form-urlencoded"
MOST_FIELDS = 30


async def token(request: Request) -> Response:
    """``POST /oauth/token``."""
    return await _answer(request, "token_response")


async def revoke(request: Request) -> Response:
    """``POST /oauth/revoke``."""
    return await _answer(request, "revocation_response")


async def introspect(request: Request) -> Response:
    """``POST /oauth/introspect``."""
    return await _answer(request, "introspection_response")


async def _answer(
    request: Request,
    endpoint: Literal[
        "token_response", "revocation_response", "introspection_response"
    ],
) -> Response:
    """Read the form and hand it to one of the server's endpoints."""
    services: Services = request.app.state.services
    parsed = await _read(request)
    if isinstance(parsed, str):
        return _response(services.oauth.refuse(parsed))

    return _response(await getattr(services.oauth, endpoint)(parsed))


async def metadata(request: Request) -> Response:
    """``GET /.well-known/oauth-authorization-server``."""
    services: Services = request.app.state.services
    return JSONResponse(services.oauth.metadata())


async def _read(request: Request) -> OAuthHttpRequest | str:
    """The request with its form parsed, or why it cannot be read."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip()
    if content_type.lower() != FORM_TYPE:
        return f"Send the parameters as {FORM_TYPE}."
    try:
        pairs = parse_qsl(
            (await request.body()).decode("utf-8"),
            keep_blank_values=True,
            errors="strict",
            max_num_fields=MOST_FIELDS,
        )
    except UnicodeDecodeError:
        return "The form is not UTF-8."
    except ValueError:
        return f"Send at most {MOST_FIELDS} parameters."

    params: dict[str, list[str]] = {}
    for name, value in pairs:
        params.setdefault(name, []).append(value)
    return OAuthHttpRequest(
        method=request.method,
        path=request.url.path,
        headers=request.headers,
        params=params,
    )


def _response(answer: OAuthAnswer) -> Response:
    body = answer.body
    content = json.dumps(body) if isinstance(body, dict) else body
    return Response(content, status_code=answer.status, headers=dict(answer.headers))
