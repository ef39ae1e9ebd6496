"""Closing an account: everything personal erased at once, a bare record kept."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from adapters.registry import AdapterRegistry
from config.settings import Settings
from models import (
    Account,
    ClosedAccount,
    IssuedDocument,
    OtpChallenge,
    SecurityEvent,
    Session,
    UploadedDocument,
)
from services.accounts import AccountService
from services.clock import FrozenClock
from services.closure import AccountClosure, Erasure, default_erasers
from services.documents.keys import IssuerKeyStore
from services.documents.render import DocumentRenderer
from services.errors import NotAuthenticated, OtpChallengeNotFound, OtpInvalid
from services.identity.aadhaar import IdentityService
from services.locker import Locker
from services.objects import EncryptedObjects, MasterKey
from services.objects import LocalObjectStore as UploadStore
from services.otp import OtpService
from services.security_events import SecurityEventKind
from services.sms import MemorySmsSender
from services.storage import LocalObjectStore
from services.uploads.service import UploadService
from tests.uploads.samples import write_rent_agreement

from .helpers import PASSWORD, SignUp

# Aarav Sharma of the sandbox eKYC fixture, and his CBSE Class XII marksheet.
AARAV_AADHAAR = "726018159082"
MOBILE = "9810012345"
MARKSHEET = {"rollNumber": "16612345", "year": "2024"}
BROWSER = {"client_address": "203.0.113.7", "user_agent": "Firefox/140.0"}


async def _once(data: bytes) -> AsyncIterator[bytes]:
    yield data


def wrong(code: str) -> str:
    """A code that is certainly not ``code``."""
    return f"{(int(code) + 1) % 1_000_000:06d}"


def stored_files(folder: Path) -> list[str]:
    """The files kept under ``folder``, at any depth."""
    return sorted(
        str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file()
    )


@pytest.fixture
def objects_dir(tmp_path: Path) -> Path:
    return tmp_path / "objects"


@pytest.fixture
def locker(objects_dir: Path, keys_dir: Path, clock: FrozenClock) -> Locker:
    return Locker(
        AdapterRegistry.discover(),
        DocumentRenderer(IssuerKeyStore(keys_dir, generate=True)),
        LocalObjectStore(objects_dir),
        cache_seconds=3600,
        clock=clock,
    )


@pytest.fixture
def uploads_service(
    settings: Settings, objects_dir: Path, clock: FrozenClock
) -> UploadService:
    return UploadService(
        settings,
        EncryptedObjects(UploadStore(objects_dir), MasterKey.generate()),
        AdapterRegistry.discover(),
        clock,
    )


@pytest.fixture
def closure(
    otp_service: OtpService,
    sms: MemorySmsSender,
    clock: FrozenClock,
    locker: Locker,
    uploads_service: UploadService,
) -> AccountClosure:
    return AccountClosure(
        otp_service, sms, clock, erasers=default_erasers(locker, uploads_service)
    )


async def resident_with_everything(
    sign_up: SignUp,
    accounts: AccountService,
    identity: IdentityService,
    locker: Locker,
    sms: MemorySmsSender,
) -> tuple[Account, str]:
    """Aarav, signed in, Aadhaar linked, a marksheet pulled; and his token."""
    account = await sign_up(mobile=MOBILE, username="aarav")
    _, token = await accounts.log_in("aarav", PASSWORD, **BROWSER)
    request = await identity.start_link(account, AARAV_AADHAAR)
    await identity.confirm_link(account, request.transaction_id, sms.last_otp(MOBILE))
    await accounts.security.record(account, SecurityEventKind.AADHAAR_LINKED)
    await locker.pull(account, "in.gov.cbse", "HSCER", MARKSHEET)

    return account, token


async def test_closing_erases_everything_and_keeps_only_the_closed_record(
    closure: AccountClosure,
    sign_up: SignUp,
    accounts: AccountService,
    identity: IdentityService,
    locker: Locker,
    sms: MemorySmsSender,
    clock: FrozenClock,
    objects_dir: Path,
    uploads_service: UploadService,
    tmp_path: Path,
) -> None:
    account, token = await resident_with_everything(
        sign_up, accounts, identity, locker, sms
    )
    assert any(name.endswith(".pdf") for name in stored_files(objects_dir))
    agreement = write_rent_agreement(tmp_path / "rent.pdf").read_bytes()
    slot = await uploads_service.begin(account, name="rent.pdf", size=len(agreement))
    await uploads_service.receive(account, slot.document.id, _once(agreement))
    assert f"uploads/{slot.document.id}" in stored_files(objects_dir)

    clock.advance(60)
    challenge = await closure.start(account)
    closed = await closure.confirm(account, challenge.id, sms.last_otp(MOBILE))

    assert not await Account.exists(id=account.id)
    assert not await Session.exists(account_id=account.id)
    assert not await OtpChallenge.exists(account_id=account.id)
    assert not await OtpChallenge.exists(mobile=MOBILE)
    assert not await SecurityEvent.exists(account_id=account.id)
    assert not await IssuedDocument.exists(account_id=account.id)
    assert not await UploadedDocument.exists(account_id=account.id)
    assert stored_files(objects_dir) == []
    kept = await ClosedAccount.all().values()
    assert kept == [
        {"id": account.id, "created_at": account.created_at, "closed_at": clock.now()}
    ]
    assert closed.closed_at == clock.now()
    with pytest.raises(NotAuthenticated):
        await accounts.authenticate(token)
    assert "account is closed" in sms.last_to(MOBILE)


async def test_a_closed_mobile_and_aadhaar_can_make_a_new_account(
    closure: AccountClosure,
    sign_up: SignUp,
    accounts: AccountService,
    identity: IdentityService,
    locker: Locker,
    sms: MemorySmsSender,
    clock: FrozenClock,
) -> None:
    account, _ = await resident_with_everything(
        sign_up, accounts, identity, locker, sms
    )
    challenge = await closure.start(account)
    await closure.confirm(account, challenge.id, sms.last_otp(MOBILE))

    clock.advance(3600)
    again = await sign_up(mobile=MOBILE, username="aarav")
    request = await identity.start_link(again, AARAV_AADHAAR)
    linked = await identity.confirm_link(
        again, request.transaction_id, sms.last_otp(MOBILE)
    )

    assert again.id != account.id
    assert linked.aadhaar_last4 == "9082"
    assert await ClosedAccount.exists(id=account.id)


async def test_closing_needs_the_right_code(
    closure: AccountClosure,
    sign_up: SignUp,
    accounts: AccountService,
    sms: MemorySmsSender,
) -> None:
    account = await sign_up(mobile=MOBILE, username="aarav")
    _, token = await accounts.log_in("aarav", PASSWORD, **BROWSER)
    challenge = await closure.start(account)

    with pytest.raises(OtpInvalid):
        await closure.confirm(account, challenge.id, wrong(sms.last_otp(MOBILE)))

    assert await Account.exists(id=account.id)
    await accounts.authenticate(token)
    assert not await ClosedAccount.exists(id=account.id)


async def test_a_closure_started_by_another_account_is_not_found(
    closure: AccountClosure, sign_up: SignUp, sms: MemorySmsSender
) -> None:
    aarav = await sign_up(mobile=MOBILE, username="aarav")
    rohan = await sign_up(mobile="9822034567", username="rohan")
    challenge = await closure.start(aarav)

    with pytest.raises(OtpChallengeNotFound):
        await closure.confirm(rohan, challenge.id, sms.last_otp(MOBILE))
    with pytest.raises(OtpChallengeNotFound):
        await closure.confirm(rohan, "not-a-challenge", "123456")

    assert await Account.exists(id=aarav.id)
    assert await Account.exists(id=rohan.id)


async def test_a_failing_eraser_leaves_the_account_as_it_was(
    otp_service: OtpService,
    sms: MemorySmsSender,
    clock: FrozenClock,
    locker: Locker,
    sign_up: SignUp,
    accounts: AccountService,
    uploads_service: UploadService,
) -> None:
    async def broken(erasure: Erasure) -> None:
        raise RuntimeError("object store unreachable")

    closure = AccountClosure(
        otp_service,
        sms,
        clock,
        erasers=[*default_erasers(locker, uploads_service), broken],
    )
    account = await sign_up(mobile=MOBILE, username="aarav")
    _, token = await accounts.log_in("aarav", PASSWORD, **BROWSER)
    challenge = await closure.start(account)

    with pytest.raises(RuntimeError):
        await closure.confirm(account, challenge.id, sms.last_otp(MOBILE))

    await accounts.authenticate(token)
    assert await SecurityEvent.exists(account_id=account.id)
    assert not await ClosedAccount.exists(id=account.id)
    assert (await OtpChallenge.get(id=challenge.id)).consumed_at is None


async def test_an_added_eraser_runs_in_the_closing_transaction(
    otp_service: OtpService,
    sms: MemorySmsSender,
    clock: FrozenClock,
    locker: Locker,
    sign_up: SignUp,
    uploads_service: UploadService,
) -> None:
    seen: list[tuple[bool, dict[str, int]]] = []

    async def consents(erasure: Erasure) -> None:
        still_there = await Account.filter(id=erasure.account.id).using_db(
            erasure.connection
        )
        seen.append((bool(still_there), dict(erasure.deleted)))
        erasure.deleted["consents"] = 0

    closure = AccountClosure(
        otp_service,
        sms,
        clock,
        erasers=[*default_erasers(locker, uploads_service), consents],
    )
    account = await sign_up(mobile=MOBILE, username="aarav")
    challenge = await closure.start(account)

    await closure.confirm(account, challenge.id, sms.last_otp(MOBILE))

    ((account_was_there, deleted_before),) = seen
    assert account_was_there
    assert set(deleted_before) == {
        "sessions",
        "otp_challenges",
        "security_events",
        "activity_entries",
        "issued_documents",
        "uploads",
    }
