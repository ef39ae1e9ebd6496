"""The schema object with its security extensions."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    DisableIntrospection,
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from config.settings import Settings
from schema.mutations import Mutation
from schema.principals import MutationsRefuseRequesters
from schema.query import Query
from schema.types.uploads import SCALARS

logger = logging.getLogger(__name__)

SDL_PATH = Path(__file__).with_name("schema.graphql")


def should_mask(error: GraphQLError) -> bool:
    """Mask crashes; let GraphQL's own errors (syntax, validation, limits) through.

    Client errors the services raise never get here: they are data (``Problem``).
    """
    return error.original_error is not None and not isinstance(
        error.original_error, GraphQLError
    )


class LockerSchema(strawberry.Schema):
    """The schema, logging errors without the request's text.

    Strawberry logs every error with the query around it, which would put any
    password or Aadhaar number typed into a query as a literal in the log.
    Crashes are logged with their traceback; refused requests only counted.
    """

    def process_errors(
        self,
        errors: list[GraphQLError],
        execution_context: ExecutionContext | None = None,
    ) -> None:
        for error in errors:
            if should_mask(error):
                logger.error(
                    "Unexpected error in %s",
                    ".".join(str(part) for part in error.path or ()) or "operation",
                    exc_info=error.original_error,
                )
            else:
                logger.debug("GraphQL request refused (%s)", type(error).__name__)


def build_schema(settings: Settings) -> strawberry.Schema:
    """The schema, with depth, alias and token limits and error masking.

    Extensions are passed as factories so that no state is shared between
    concurrent requests.
    """
    extensions: list[Callable[[], SchemaExtension]] = [
        lambda: QueryDepthLimiter(max_depth=settings.graphql_max_depth),
        lambda: MaxAliasesLimiter(max_alias_count=settings.graphql_max_aliases),
        lambda: MaxTokensLimiter(max_token_count=settings.graphql_max_tokens),
        lambda: MaskErrors(should_mask_error=should_mask),
        MutationsRefuseRequesters,
    ]
    if settings.is_production:
        # The SDL is published in the repository; production need not serve it.
        extensions.append(DisableIntrospection)

    return LockerSchema(
        query=Query,
        mutation=Mutation,
        extensions=extensions,
        config=StrawberryConfig(
            disable_field_suggestions=settings.is_production, scalar_map=SCALARS
        ),
    )
