"""Mutations never run for a requester's access token.

A token issued under a consent lets a requester read what the consent shares,
and nothing else: not sign-up or sign-in, not the resident's account, not the
operator's API. Rather than trust every present and future mutation to check,
this extension answers each root mutation field with a ``Problem``
(``NOT_FOR_REQUESTERS``) before its resolver runs when the request carries one.
Every mutation answers a union with ``Problem``, so the refusal is data, like
any other.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from graphql import GraphQLResolveInfo
from strawberry.extensions import SchemaExtension
from strawberry.utils.await_maybe import AwaitableOrValue

from resolvers.context import LockerContext
from schema.errors import Problem
from services.errors import NotForRequesters

logger = logging.getLogger(__name__)


class MutationsRefuseRequesters(SchemaExtension):
    """Answer every root mutation field ``NOT_FOR_REQUESTERS`` for a requester."""

    def resolve(
        self,
        _next: Callable[..., AwaitableOrValue[object]],
        root: Any,
        info: GraphQLResolveInfo[LockerContext],
        *args: str,
        **kwargs: Any,
    ) -> AwaitableOrValue[object]:
        if info.parent_type is info.schema.mutation_type:
            try:
                info.context.refuse_requester_token()
            except NotForRequesters as error:
                logger.debug("Refused a mutation for a requester's token")
                return Problem.of(error)
        return _next(root, info, *args, **kwargs)
