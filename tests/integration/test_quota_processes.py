"""Two processes upload for one resident at once: the quota still holds.

Nothing in the locker may assume one process, and the quota is where that
costs money. Each child process connects to the suite's database on its own,
waits for the other, then starts uploads of 700 KiB for the same resident as
fast as it can; together they ask for far more than the 3 MiB quota.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier
from pathlib import Path

from tortoise import Tortoise

from config.database import tortoise_config
from config.settings import Settings
from models import Account, UploadedDocument
from services.container import build_services
from services.errors import QuotaExceeded

MIB = 1024 * 1024
SIZE = 700 * 1024
TRIES = 6


def start_uploads(
    database_url: str,
    data_dir: str,
    account_id: str,
    barrier: Barrier,
    results: Queue[int],
) -> None:
    """In a child process: try ``TRIES`` uploads; put how many were started."""

    async def run() -> int:
        settings = Settings(
            database_url=database_url,
            data_dir=Path(data_dir),
            quota_bytes=3 * MIB,
            sms_sender="memory",
        )
        await Tortoise.init(config=tortoise_config(settings))
        try:
            services = build_services(settings)
            account = await Account.get(id=account_id)
            barrier.wait()
            started = 0

            async def one() -> None:
                nonlocal started
                try:
                    await services.uploads.begin(account, name="scan.pdf", size=SIZE)
                    started += 1
                except QuotaExceeded:
                    pass

            await asyncio.gather(*(one() for _ in range(TRIES)))
            return started
        finally:
            await Tortoise.close_connections()

    results.put(asyncio.run(run()))


async def test_uploads_from_two_processes_never_pass_the_quota(
    db: None, database_url: str, tmp_path: Path
) -> None:
    account = await Account.create(
        username="meera.krishnan", mobile="9876509876", password_hash="x"
    )
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(2)
    results: Queue[int] = context.Queue()
    processes = [
        context.Process(
            target=start_uploads,
            args=(database_url, str(tmp_path), str(account.id), barrier, results),
        )
        for _ in range(2)
    ]
    for process in processes:
        process.start()
    started = [results.get(timeout=120) for _ in processes]
    for process in processes:
        process.join(30)

    await account.refresh_from_db()
    assert sum(started) == (3 * MIB) // SIZE == 4
    assert account.storage_used == 4 * SIZE
    assert await UploadedDocument.filter(account_id=account.id).count() == 4
