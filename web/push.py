"""Where DigiLocker-compatible issuers push URIs: ``POST /issuers/{id}/push-uri``.

The body is a ``PushUriRequest`` (``adapters.digilocker.push``), signed like
the locker's own pull requests: the ``x-digilocker-hmac`` header is base64 of
HMAC-SHA256 over the raw body, keyed with the API key configured for the
issuer (either base64 reading of the digest is accepted). The request's ``ts``
must be within ``FRESHNESS`` of the locker's clock, so a recorded push cannot
be replayed later to undo a newer one; within that time each ``txn`` is
accepted once.

The answer is a ``PushUriResponse``: ``Status="1"`` when every URI was applied,
``Status="0"`` with an ``Errors`` list (position, stable code, sentence) when
nothing was, with an HTTP status that says the same (400 malformed, 401 bad
signature or stale ``ts``, 404 unknown issuer, 409 a ``txn`` seen before,
413 too large, 422 refused URIs or an issuer that cannot take pushes).
Whether an Aadhaar number has an account here is never said. Neither the body
nor an Aadhaar number is ever logged.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from starlette.requests import Request
from starlette.responses import Response

from adapters.digilocker.errors import AnswerInvalid
from adapters.digilocker.protocol import HMAC_HEADER, hmac_matches
from adapters.digilocker.push import (
    MOST_PUSH_BYTES,
    MOST_PUSHED_URIS,
    PushRequest,
    push_response,
    read_push_request,
)
from adapters.digilocker.push import (
    PushAction as WireAction,
)
from services.container import Services
from services.errors import FileTooLarge, LockerError, PushRefused
from services.issuers.pushes import PushAction, PushItem
from services.ratelimit import Limit
from web.verify import read_bounded_body

logger = logging.getLogger(__name__)

FRESHNESS = timedelta(minutes=15)
_ONE_PUSH_PER_TXN = Limit.moving_window(1, 2 * int(FRESHNESS.total_seconds()))
_ACTIONS = {
    WireAction.ADD: PushAction.ADD,
    WireAction.UPDATE: PushAction.UPDATE,
    WireAction.DELETE: PushAction.DELETE,
}


async def push_uri(request: Request) -> Response:
    """Check, parse and apply one ``PushUriRequest``."""
    services: Services = request.app.state.services
    issuer_id = request.path_params["issuer_id"]
    api_key = services.push_keys.get(issuer_id)
    if api_key is None:
        return _refusal(
            404,
            "",
            "UNKNOWN_ISSUER",
            "No DigiLocker-compatible issuer has this id here.",
        )
    try:
        body = await read_bounded_body(request, MOST_PUSH_BYTES)
    except FileTooLarge:
        return _refusal(
            413,
            "",
            "PUSH_TOO_LARGE",
            f"A push is at most {MOST_PUSH_BYTES:,} bytes: send at most "
            f"{MOST_PUSHED_URIS} URIs in one request.",
        )
    except LockerError as error:
        return _refusal(400, "", error.code, error.message)
    if not hmac_matches(api_key, body, request.headers.get(HMAC_HEADER)):
        logger.warning("Push by issuer %s refused: HMAC does not match", issuer_id)
        return _refusal(
            401,
            "",
            "INVALID_HMAC",
            f"The {HMAC_HEADER} header is not the HMAC-SHA256 of this body under "
            "the issuer's API key.",
        )

    try:
        pushed = read_push_request(body)
    except AnswerInvalid as error:
        logger.warning("Push by issuer %s refused: %s", issuer_id, error.problem.value)
        return _refusal(400, "", "MALFORMED_PUSH", error.detail)
    stale = _stale(pushed.timestamp, services)
    if stale is not None:
        return _refusal(401, pushed.transaction_id, "STALE_REQUEST", stale)
    if not await _first_sight(services, issuer_id, pushed.transaction_id):
        logger.warning("Push by issuer %s refused: txn seen before", issuer_id)
        return _refusal(
            409,
            pushed.transaction_id,
            "REPLAYED_REQUEST",
            "This txn was pushed already; give every push a txn of its own.",
        )

    try:
        await services.pushes.push(issuer_id, _items(pushed))
    except PushRefused as refused:
        return _xml(
            422,
            push_response(
                pushed.transaction_id,
                [(position, e.code, e.message) for position, e in refused.problems],
            ),
        )
    except LockerError as error:
        return _refusal(422, pushed.transaction_id, error.code, error.message)
    return _xml(200, push_response(pushed.transaction_id))


async def _first_sight(services: Services, issuer_id: str, transaction_id: str) -> bool:
    """Whether this is the first push of ``transaction_id`` by the issuer lately.

    Counted by the rate limiter (shared through Redis when ``REDIS_URL`` is
    set), for as long as ``ts`` keeps a push fresh: after that, ``ts`` refuses
    a replay on its own.
    """
    limiter = services.limiter
    key = limiter.key("push:txn", f"{issuer_id}:{transaction_id}")
    return await limiter.hit(key, _ONE_PUSH_PER_TXN)


def _items(pushed: PushRequest) -> list[PushItem]:
    return [
        PushItem(
            aadhaar=uri.aadhaar,
            uri=uri.uri,
            doc_type=uri.doc_type,
            action=_ACTIONS[uri.action],
            name=uri.name,
            doc_id=uri.doc_id,
            issued_on=uri.issued_on,
            valid_from=uri.valid_from,
            valid_to=uri.valid_to,
        )
        for uri in pushed.uris
    ]


def _stale(raw: str, services: Services) -> str | None:
    """Why the request's ``ts`` is unacceptable, or None when it is fresh."""
    try:
        sent = datetime.fromisoformat(raw)
    except ValueError:
        return "ts must be the time of the request, YYYY-MM-DDThh:mm:ss+05:30."
    if sent.tzinfo is None:
        return "ts must carry its offset from UTC (+05:30)."
    if abs(services.clock.now() - sent) > FRESHNESS:
        return (
            "ts is more than 15 minutes from the locker's time: send each push "
            "when it is made, with the time it is sent."
        )
    return None


def _refusal(status: int, transaction_id: str, code: str, message: str) -> Response:
    return _xml(status, push_response(transaction_id, [(0, code, message)]))


def _xml(status: int, body: bytes) -> Response:
    return Response(
        body,
        status_code=status,
        media_type="application/xml",
        headers={"Cache-Control": "no-store"},
    )
