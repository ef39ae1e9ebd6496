"""The Starlette application: routes, lifespan and the GraphQL endpoint.

``create_app()`` builds it from the environment; ``python -m cli serve`` (or
``uvicorn app:create_app --factory``) runs it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress

import anyio
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Route
from tortoise import Tortoise
from tortoise.migrations.api import migrate

from config.database import tortoise_config
from config.settings import Settings, get_settings
from services.clock import SystemClock
from services.container import Services, build_services
from services.dev_outbox import OutboxSmsSender
from services.objects import S3ObjectStore
from services.sms import LogSmsSender
from web.body_limit import BodySizeLimit
from web.consent_page import authorize_page, decide, sign_in
from web.graphql import LockerGraphQL
from web.oauth import introspect, metadata, revoke, token
from web.push import push_uri
from web.routes import dev_outbox, document_pdf, health
from web.shared_pdf import shared_pdf
from web.uploads import get_upload, put_upload
from web.verify import get_verify, post_verify

logger = logging.getLogger(__name__)

SWEEP_SECONDS = 300


class UnsafeSettings(Exception):
    """Production was asked for with development keys or senders."""


async def _prepare_issuer_keys(services: Services) -> None:
    for adapter in services.registry:
        await anyio.to_thread.run_sync(
            services.keystore.key_for, adapter.issuer_id, adapter.name
        )


async def _sweep_uploads(services: Services) -> None:
    """Give back the space of uploads abandoned mid-way, every few minutes."""
    while True:
        try:
            swept = await services.uploads.sweep()
        except Exception:
            logger.exception("sweeping abandoned uploads failed")
        else:
            if swept:
                logger.info("gave back the space of %d abandoned uploads", swept)
        await anyio.sleep(SWEEP_SECONDS)


def _development_services(settings: Settings) -> Services:
    """Services whose SMS messages are logged and kept for ``/dev/sms``."""
    clock = SystemClock()
    outbox = OutboxSmsSender(LogSmsSender(), clock)
    return build_services(settings, clock=clock, sms=outbox)


def create_app(
    settings: Settings | None = None, services: Services | None = None
) -> Starlette:
    """The application for ``settings`` (default: from the environment)."""
    settings = settings or get_settings()
    if settings.is_production and (problems := settings.production_problems()):
        raise UnsafeSettings("refusing to start in production: " + "; ".join(problems))
    dev_sms = not settings.is_production and settings.sms_sender == "log"
    if services is None:
        services = (
            _development_services(settings) if dev_sms else build_services(settings)
        )
    ready_services = services

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        config = tortoise_config(settings)
        if settings.migrate_on_start:
            await migrate(config=config)
            await Tortoise.close_connections()
        await Tortoise.init(config=config, _enable_global_fallback=True)
        await _prepare_issuer_keys(ready_services)
        store = ready_services.object_store
        if isinstance(store, S3ObjectStore):
            await store.open()
            if not settings.is_production:
                # A fresh MinIO or moto has no bucket yet; production's is
                # provisioned (and the server may not be allowed to make one).
                await store.ensure_bucket()
        logger.info("Locker ready on %s", settings.base_url)
        # A plain task rather than a task group: the lifespan may be entered
        # and left in different tasks (test fixtures do), which cancel scopes
        # do not allow.
        sweeper = asyncio.create_task(_sweep_uploads(ready_services))
        try:
            yield
        finally:
            sweeper.cancel()
            with suppress(asyncio.CancelledError):
                await sweeper
            if isinstance(store, S3ObjectStore):
                await store.close()
            await ready_services.limiter.aclose()
            await Tortoise.close_connections()

    routes = [
        Route("/graphql", LockerGraphQL(services), methods=["GET", "POST"]),
        Route("/documents/pdf", document_pdf),
        Route("/shared/documents/pdf", shared_pdf),
        Route("/uploads/{upload_id}", put_upload, methods=["PUT"]),
        Route("/uploads/{upload_id}", get_upload, methods=["GET"]),
        Route("/verify", post_verify, methods=["POST"]),
        Route("/verify/{uri:path}", get_verify, methods=["GET"]),
        Route("/healthz", health),
        Route("/issuers/{issuer_id}/push-uri", push_uri, methods=["POST"]),
        Route("/oauth/token", token, methods=["POST"]),
        Route("/oauth/revoke", revoke, methods=["POST"]),
        Route("/oauth/introspect", introspect, methods=["POST"]),
        Route("/.well-known/oauth-authorization-server", metadata, methods=["GET"]),
        Route("/oauth/authorize", authorize_page, methods=["GET"]),
        Route("/oauth/authorize/sign-in", sign_in, methods=["POST"]),
        Route("/oauth/authorize/decision", decide, methods=["POST"]),
    ]
    if dev_sms:
        routes.append(Route("/dev/sms", dev_outbox))

    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        middleware=[
            Middleware(
                BodySizeLimit,
                max_bytes=settings.max_request_bytes,
                # These stream their bodies and bound them themselves.
                exempt_prefixes=("/uploads/", "/verify", "/issuers/"),
            ),
        ],
    )
    app.state.services = services
    return app
