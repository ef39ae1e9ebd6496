"""The Starlette application: routes, lifespan and the GraphQL endpoint.

``create_app()`` builds it from the environment; ``uvicorn app:create_app
--factory`` or ``python -m cli serve`` runs it.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from strawberry.asgi import GraphQL
from tortoise import Tortoise
from tortoise.migrations.api import migrate

from config.database import tortoise_config
from config.settings import Settings, get_settings
from models import Account
from resolvers.context import LockerContext
from schema import build_schema
from services.clock import SystemClock
from services.container import Services, build_services
from services.dev_outbox import OutboxSmsSender
from services.errors import LinkExpired, LockerError
from services.sms import LogSmsSender

logger = logging.getLogger(__name__)


class UnsafeSettings(Exception):
    """Production was asked for with development keys or senders."""


class LockerGraphQL(GraphQL[LockerContext, None]):
    """The GraphQL endpoint, with the locker's context on every request."""

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


def _problem(error: LockerError, status_code: int) -> JSONResponse:
    return JSONResponse(
        {"code": error.code, "message": error.message}, status_code=status_code
    )


async def document_pdf(request: Request) -> Response:
    """Stream a document's signed PDF to the holder of a valid download link."""
    services: Services = request.app.state.services
    try:
        grant = services.links.check(request.query_params.get("token", ""))
        account = await Account.get_or_none(id=grant.viewer_id)
        if account is None:
            raise LinkExpired("This link's account no longer exists.")
        document = await services.locker.issued_document(account, grant.uri)
        content = await services.locker.content(document.uri)
    except LockerError as error:
        return _problem(error, 403 if error.code == "LINK_EXPIRED" else 404)

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
    """Development only: the SMS messages the log sender sent, newest last.

    Lets the demo (and a developer without a phone) read OTPs over HTTP; it is
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


async def _prepare_issuer_keys(services: Services) -> None:
    for adapter in services.registry:
        await anyio.to_thread.run_sync(
            services.keystore.key_for, adapter.issuer_id, adapter.name
        )


def create_app(
    settings: Settings | None = None, services: Services | None = None
) -> Starlette:
    """The application for ``settings`` (default: from the environment)."""
    settings = settings or get_settings()
    if settings.is_production and (problems := settings.production_problems()):
        raise UnsafeSettings("refusing to start in production: " + "; ".join(problems))
    if services is None:
        if settings.sms_sender == "log" and not settings.is_production:
            clock = SystemClock()
            outbox = OutboxSmsSender(LogSmsSender(), clock)
            services = build_services(settings, clock=clock, sms=outbox)
        else:
            services = build_services(settings)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        config = tortoise_config(settings)
        if settings.migrate_on_start:
            await migrate(config=config)
            await Tortoise.close_connections()
        await Tortoise.init(config=config, _enable_global_fallback=True)
        await _prepare_issuer_keys(services)
        logger.info("Locker ready on %s", settings.public_url)
        try:
            yield
        finally:
            await Tortoise.close_connections()

    routes = [
        Route("/graphql", LockerGraphQL(services), methods=["GET", "POST"]),
        Route("/documents/pdf", document_pdf),
        Route("/healthz", health),
    ]
    if not settings.is_production and settings.sms_sender == "log":
        routes.append(Route("/dev/sms", dev_outbox))

    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.services = services
    return app
