"""Fixtures for the service tests: a database, a frozen clock, an SMS sink.

Each test gets the suite's database (``tests/conftest.py``: SQLite, or the
PostgreSQL server ``DATABASE_URL`` names), migrated once and emptied after every
test.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from argon2 import PasswordHasher
from tortoise import Tortoise

from config.database import tortoise_config
from config.settings import Settings
from models import Account
from services.accounts import AccountService
from services.clock import FrozenClock
from services.identity.aadhaar import IdentityService
from services.identity.ekyc import SANDBOX_FIXTURE, SandboxEkycProvider
from services.otp import OtpService
from services.security_events import SecurityLog
from services.sms import MemorySmsSender
from tests.conftest import empty_tables

from .helpers import PASSWORD, SignUp, fast_password_hasher


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[None]:
    """The suite's migrated database, open for one test and emptied after it."""
    await Tortoise.init(config=tortoise_config(Settings(database_url=database_url)))
    try:
        yield
    finally:
        await empty_tables()
        await Tortoise.close_connections()


@pytest.fixture
def settings() -> Settings:
    """Settings with the limits the tests count on, whatever the environment."""
    return Settings.model_validate(
        {
            "secret_key": "test-secret-key-for-the-service-tests-0123456789",
            "aadhaar_key": "dGVzdC1hYWRoYWFyLWtleS0zMi1ieXRlcy1sb25nISE=",
            "otp_ttl_seconds": 600,
            "otp_max_attempts": 5,
            "session_idle_seconds": 900,
            "session_max_seconds": 43200,
            "sms_sender": "memory",
            "ekyc_fixture": None,
        }
    )


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(datetime(2026, 12, 3, 10, 0, tzinfo=UTC))


@pytest.fixture
def sms() -> MemorySmsSender:
    return MemorySmsSender()


@pytest.fixture
def otp_service(
    database: None, settings: Settings, sms: MemorySmsSender, clock: FrozenClock
) -> OtpService:
    return OtpService(settings, sms, clock)


@pytest.fixture
def password_hasher() -> PasswordHasher:
    return fast_password_hasher()


@pytest.fixture
def accounts(
    settings: Settings,
    otp_service: OtpService,
    clock: FrozenClock,
    password_hasher: PasswordHasher,
) -> AccountService:
    return AccountService(
        settings,
        otp_service,
        clock,
        security=SecurityLog(otp_service.sms, clock),
        password_hasher=password_hasher,
    )


@pytest.fixture
def sign_up(accounts: AccountService, sms: MemorySmsSender) -> SignUp:
    """Run the whole sign-up for a mobile, username and password."""

    async def run(
        mobile: str = "9810012345",
        username: str = "aarav",
        password: str = PASSWORD,
    ) -> Account:
        challenge_id = await accounts.start_sign_up(mobile)
        await accounts.verify_sign_up(challenge_id, sms.last_otp(mobile))

        return await accounts.complete_sign_up(challenge_id, username, password)

    return run


@pytest.fixture
def ekyc_provider(otp_service: OtpService) -> SandboxEkycProvider:
    return SandboxEkycProvider(SANDBOX_FIXTURE, otp_service)


@pytest.fixture
def identity(
    settings: Settings, ekyc_provider: SandboxEkycProvider, clock: FrozenClock
) -> IdentityService:
    return IdentityService(settings, ekyc_provider, clock)
