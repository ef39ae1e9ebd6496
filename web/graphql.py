"""The GraphQL endpoint: strawberry's ASGI view with the locker's context."""

from __future__ import annotations

from typing import Any

from cross_web import HTTPException
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLRequestData

from resolvers.context import LockerContext
from schema import build_schema
from services.container import Services


def _is_valid_text(value: object) -> bool:
    """False when a string anywhere in ``value`` holds a lone surrogate."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return True
    if isinstance(value, dict):
        return all(_is_valid_text(k) and _is_valid_text(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_is_valid_text(item) for item in value)
    return True


class LockerGraphQL(GraphQL[LockerContext, None]):
    """``/graphql``: JSON over POST only, GraphiQL outside production."""

    def __init__(self, services: Services) -> None:
        settings = services.settings
        super().__init__(
            build_schema(settings),
            graphql_ide=None if settings.is_production else "graphiql",
            allow_queries_via_get=False,
            multipart_uploads_enabled=False,
        )
        self.services = services

    async def get_context(self, request: Any, response: Any) -> LockerContext:
        return LockerContext(services=self.services, request=request)

    async def parse_http_body(self, request: Any) -> Any:
        """Strawberry's parsing, refusing with 400 what it would crash on.

        A JSON body that is not an object, and text with lone surrogates (which
        no password hash or database can take), are the client's mistakes.
        """
        try:
            data = await super().parse_http_body(request)
        except (AttributeError, TypeError, UnicodeDecodeError) as error:
            raise HTTPException(
                400, "The request body must be a JSON object with a `query`."
            ) from error

        requests = data if isinstance(data, list) else [data]
        for item in requests:
            if isinstance(item, GraphQLRequestData) and not (
                _is_valid_text(item.query) and _is_valid_text(item.variables)
            ):
                raise HTTPException(400, "The request holds text that is not Unicode.")
        return data
