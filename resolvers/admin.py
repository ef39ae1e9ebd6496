"""What the locker's operator does over GraphQL: register requesters.

Every admin resolver starts with ``require_operator``, the one check of the
operator's token (``LOCKER_ADMIN_TOKEN``). A resident's session token is not
an operator's, and with no token configured the admin API is off: both, like
a missing or wrong token, answer ``NOT_AUTHENTICATED``.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Sequence

from models import Requester
from resolvers.context import LockerContext
from services.errors import NotAuthenticated
from services.requesters import Purpose, jwks_from_json

logger = logging.getLogger(__name__)


def require_operator(context: LockerContext) -> None:
    """Let the request through only if it carries the operator's token.

    The comparison takes the same time wherever the tokens differ, so the
    token cannot be guessed a character at a time.
    """
    expected = context.services.settings.admin_token
    presented = context.token
    if expected is not None and presented is not None:
        if hmac.compare_digest(
            presented.encode(), expected.get_secret_value().encode()
        ):
            return
        logger.warning(
            "Refused an admin request with a wrong token",
            extra={"client_address": context.client.address},
        )

    raise NotAuthenticated(
        "This is for the locker's operator: send the admin token "
        "(LOCKER_ADMIN_TOKEN) as `Authorization: Bearer <token>`."
    )


async def register_requester(
    context: LockerContext,
    *,
    org_id: str,
    name: str,
    redirect_uris: Sequence[str],
    purposes: Sequence[Purpose],
    doc_types: Sequence[str],
    jwks: str | None,
) -> tuple[Requester, str | None]:
    """Register a requester for the operator; answer it and its one-time secret."""
    require_operator(context)

    return await context.services.requesters.register(
        org_id,
        name,
        redirect_uris,
        purposes,
        doc_types,
        jwks=jwks_from_json(jwks) if jwks is not None else None,
    )
