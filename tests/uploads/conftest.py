"""Fixtures for the upload service: a resident, and the service on each backend.

The S3 backend is moto's server on 127.0.0.1, shared with the object store
tests (``tests.objects.conftest``).
"""

from __future__ import annotations

import pytest

from config.settings import Settings
from models import Account
from services.clock import FrozenClock
from services.container import Services, build_services
from services.sms import MemorySmsSender
from tests.objects.conftest import (  # noqa: F401 (fixtures used by name)
    Backend,
    local_backend,
    moto_endpoint,
    s3_backend,
    s3_clients,
)

MIB = 1024 * 1024


@pytest.fixture
def upload_settings(settings: Settings) -> Settings:
    """Small limits, so that quota tests need no large files."""
    return settings.model_copy(update={"quota_bytes": 3 * MIB})


@pytest.fixture(params=["local_backend", "s3_backend"])
def storage(request: pytest.FixtureRequest) -> Backend:
    """Each backend in turn, empty."""
    found: Backend = request.getfixturevalue(request.param)
    return found


@pytest.fixture
async def services(
    db: None,
    upload_settings: Settings,
    clock: FrozenClock,
    sms: MemorySmsSender,
    storage: Backend,
) -> Services:
    return build_services(
        upload_settings, clock=clock, sms=sms, object_store=storage.store
    )


@pytest.fixture
async def resident(db: None) -> Account:
    return await Account.create(
        username="ananya.iyer",
        mobile="9876501234",
        password_hash="not-used-here",
        verified_name="Ananya Iyer",
    )
