"""Fixtures shared by the whole suite: a migrated database, settings, the app.

The suite runs on a SQLite file by default and on PostgreSQL when
``DATABASE_URL`` names one (CI does both). The database is migrated once per run
with the project's own migrations, and emptied after every test.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from tortoise import Tortoise, connections
from tortoise.migrations.api import migrate

from config.database import tortoise_config
from config.settings import Settings
from services.clock import FrozenClock
from services.sms import MemorySmsSender

# authlib refuses OAuth unless the locker's public URL is https or loopback; the
# suite's is http://testserver. This is authlib's own switch for development.
os.environ.setdefault("AUTHLIB_INSECURE_TRANSPORT", "1")

# Children before parents, so that deleting never trips a foreign key.
TABLES = (
    "pushed_document",
    "issuer_token",
    "oauth_token",
    "oauth_authorization_code",
    "activity_entry",
    "security_event",
    "session",
    "otp_challenge",
    "consent",
    "issued_document",
    "uploaded_document",
    "requester",
    "closed_account",
    "account",
)


def _is_postgres(url: str) -> bool:
    return url.startswith(("postgres://", "postgresql://", "asyncpg://"))


@pytest.fixture(scope="session")
def keys_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Issuer keys, generated once for the whole run (RSA generation is slow)."""
    return tmp_path_factory.mktemp("issuer-keys")


@pytest.fixture(scope="session")
async def database_url(
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[str]:
    """A database at the latest migration, empty of rows.

    On PostgreSQL each run gets a schema of its own, dropped at the end, so two
    runs against one server (a developer's and CI's) never meet.
    """
    server_url = os.environ.get("DATABASE_URL")
    if server_url is None or not _is_postgres(server_url):
        url = server_url or (
            f"sqlite://{tmp_path_factory.mktemp('db') / 'locker.sqlite3'}"
        )
        await _migrate(url)
        yield url
        return

    schema = f"test_run_{os.getpid()}_{secrets.token_hex(4)}"
    separator = "&" if "?" in server_url else "?"
    url = f"{server_url}{separator}schema={schema}"
    await _execute(server_url, f'CREATE SCHEMA "{schema}"')
    try:
        await _migrate(url)
        yield url
    finally:
        await _execute(server_url, f'DROP SCHEMA "{schema}" CASCADE')


async def _execute(url: str, sql: str) -> None:
    await Tortoise.init(config=tortoise_config(Settings(database_url=url)))
    try:
        await connections.get("default").execute_script(sql)
    finally:
        await Tortoise.close_connections()


async def _migrate(url: str) -> None:
    await migrate(config=tortoise_config(Settings(database_url=url)))
    await Tortoise.close_connections()


async def empty_tables() -> None:
    connection = connections.get("default")
    for table in TABLES:
        await connection.execute_query(f'DELETE FROM "{table}"')  # noqa: S608


@pytest.fixture
def settings(tmp_path: Path, database_url: str, keys_dir: Path) -> Settings:
    return Settings(
        data_dir=tmp_path / "data",
        database_url=database_url,
        issuer_keys_dir=keys_dir,
        sms_sender="memory",
        # counters in memory, so tests never share them through a Redis server
        redis_url=None,
        migrate_on_start=False,
        public_url="http://testserver",
    )


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


@pytest.fixture
def sms() -> MemorySmsSender:
    return MemorySmsSender()


@pytest.fixture
async def db(settings: Settings) -> AsyncIterator[None]:
    """An open connection to the test database, emptied afterwards."""
    await Tortoise.init(config=tortoise_config(settings))
    try:
        yield
    finally:
        await empty_tables()
        await Tortoise.close_connections()


@pytest.fixture
async def client(
    settings: Settings, clock: FrozenClock, sms: MemorySmsSender
) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client to the whole app, its lifespan running."""
    from app import create_app
    from services.container import build_services

    services = build_services(settings, clock=clock, sms=sms)
    app = create_app(settings, services)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://testserver"
        ) as http:
            try:
                yield http
            finally:
                await empty_tables()
