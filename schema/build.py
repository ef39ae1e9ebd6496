"""The schema object with its security extensions."""

from __future__ import annotations

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

from config.settings import Settings
from schema.mutation import Mutation
from schema.query import Query

SDL_PATH = Path(__file__).with_name("schema.graphql")


def should_mask(error: GraphQLError) -> bool:
    """Mask crashes; let GraphQL's own errors (syntax, validation, limits) through.

    Client errors the services raise never get here: they are data (``Problem``).
    """
    return error.original_error is not None and not isinstance(
        error.original_error, GraphQLError
    )


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
    ]
    if settings.is_production:
        # The SDL is published in the repository; production need not serve it.
        extensions.append(DisableIntrospection)

    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        extensions=extensions,
        config=StrawberryConfig(disable_field_suggestions=settings.is_production),
    )
