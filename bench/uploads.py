"""Concurrent uploads against the real server, beside plain file copies.

One run starts ``python -m cli serve`` as a child process on development
defaults (SQLite and local objects in a fresh temporary data folder), signs a
resident up over HTTP, writes ``files`` sample PDFs of scanned pages, then for
each round:

- copies the samples concurrently into a folder beside the server's data, one
  thread each, ``shutil.copyfile`` then ``os.fsync`` of the copy (the server
  fsyncs every object it stores, so an unsynced copy would measure the page
  cache instead of the disk);
- uploads the same samples concurrently over HTTP, ``startUpload`` then ``PUT``
  each, and deletes them afterwards so the quota never runs out;
- reads the server's memory from ``/proc``: the peak resident size
  (``VmHWM``) is reset through ``clear_refs`` just before the uploads, so the
  peak afterwards less the resident size before is what the uploads grew it by.

One unmeasured round goes first, so that what the server loads on its first
upload (modules, worker threads) is reported apart from steady-state rounds.
Linux only (``/proc``).
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
import anyio.to_thread
import httpx

from bench.samples import MIB, page_count, write_samples

ROOT = Path(__file__).parents[1]

START_SIGN_UP = """
mutation ($mobile: String!) {
  startSignUp(mobile: $mobile) {
    ... on OtpSent { challengeId } ... on Problem { code message }
  }
}"""
VERIFY_SIGN_UP = """
mutation ($challengeId: ID!, $otp: String!) {
  verifySignUp(challengeId: $challengeId, otp: $otp) {
    ... on OtpVerified { challengeId } ... on Problem { code message }
  }
}"""
COMPLETE_SIGN_UP = """
mutation ($challengeId: ID!, $username: String!, $password: String!) {
  completeSignUp(challengeId: $challengeId, username: $username, password: $password) {
    ... on SignedUp { username } ... on Problem { code message }
  }
}"""
LOG_IN = """
mutation ($identifier: String!, $password: String!) {
  logIn(identifier: $identifier, password: $password) {
    ... on SessionStarted { token } ... on Problem { code message }
  }
}"""
START_UPLOAD = """
mutation ($input: StartUploadInput!) {
  startUpload(input: $input) {
    ... on UploadStarted { uploadUrl } ... on Problem { code message }
  }
}"""
DELETE_UPLOAD = """
mutation ($id: ID!) {
  deleteUpload(id: $id) {
    ... on UploadDeleted { id } ... on Problem { code message }
  }
}"""


class BenchFailed(Exception):
    """The server failed, or an upload did: the run measured nothing."""


@dataclass(frozen=True)
class Options:
    """What to measure: ``files`` files of ``size_bytes`` at once, ``rounds`` times."""

    files: int = 8
    size_bytes: int = 10 * MIB
    rounds: int = 3


@dataclass(frozen=True)
class Round:
    """One round: the copies' and the uploads' wall times, the server's memory."""

    copy_seconds: float
    upload_seconds: float
    rss_before_bytes: int
    peak_bytes: int

    @property
    def memory_growth_bytes(self) -> int:
        return max(0, self.peak_bytes - self.rss_before_bytes)


@dataclass(frozen=True)
class Report:
    """Everything one run measured; throughputs are the best round's."""

    file_sizes: list[int]
    pages: int
    warm_up: Round
    rounds: list[Round]
    # Other work on the machine slows both sides; the 1-minute load says how much.
    load_average: float

    @property
    def total_bytes(self) -> int:
        return sum(self.file_sizes)

    @property
    def copy_mib_per_second(self) -> float:
        fastest = min(measured.copy_seconds for measured in self.rounds)
        return self.total_bytes / MIB / fastest

    @property
    def upload_mib_per_second(self) -> float:
        fastest = min(measured.upload_seconds for measured in self.rounds)
        return self.total_bytes / MIB / fastest

    @property
    def ratio(self) -> float:
        return self.upload_mib_per_second / self.copy_mib_per_second

    @property
    def worst_memory_growth_bytes(self) -> int:
        return max(measured.memory_growth_bytes for measured in self.rounds)


def run(options: Options) -> Report:
    """Measure once, in a temporary folder that is removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="openlocker-bench-") as folder:
        root = Path(folder)
        with LockerServer(root / "data", root / "server.log") as server:
            # Writing the samples overlaps the server's start (keys, migrations).
            samples = write_samples(root / "samples", options.files, options.size_bytes)
            server.wait_until_ready()
            try:
                return anyio.run(_measure, server, samples, root / "copies", options)
            except httpx.HTTPError as error:
                server.check_alive()
                raise BenchFailed(f"talking to the server failed: {error!r}") from error


async def _measure(
    server: LockerServer, samples: list[Path], copies: Path, options: Options
) -> Report:
    async with httpx.AsyncClient(base_url=server.url, timeout=120) as client:
        token = await sign_up(client)
        warm_up = await _round(server, client, token, samples, copies)
        rounds = [
            await _round(server, client, token, samples, copies)
            for _ in range(options.rounds)
        ]

    return Report(
        file_sizes=[sample.stat().st_size for sample in samples],
        pages=page_count(samples[0]),
        warm_up=warm_up,
        rounds=rounds,
        load_average=os.getloadavg()[0],
    )


async def _round(
    server: LockerServer,
    client: httpx.AsyncClient,
    token: str,
    samples: list[Path],
    copies: Path,
) -> Round:
    copy_seconds = await anyio.to_thread.run_sync(copy_concurrently, samples, copies)

    server.reset_peak_memory()
    rss_before = server.memory_bytes("VmRSS")
    ids: list[str] = []
    started = time.perf_counter()
    try:
        async with anyio.create_task_group() as uploads:
            for sample in samples:
                uploads.start_soon(_upload, client, token, sample, ids)
    except* (BenchFailed, httpx.HTTPError) as failures:
        raise failures.exceptions[0] from None
    upload_seconds = time.perf_counter() - started
    peak = server.memory_bytes("VmHWM")

    for upload_id in ids:
        await graphql(client, DELETE_UPLOAD, token, id=upload_id)
    return Round(copy_seconds, upload_seconds, rss_before, peak)


# -- the baseline ------------------------------------------------------------


def copy_concurrently(samples: list[Path], folder: Path) -> float:
    """Seconds to copy ``samples`` into ``folder`` durably, all at once."""
    folder.mkdir(exist_ok=True)
    targets = [folder / sample.name for sample in samples]

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=len(samples)) as pool:
        list(pool.map(_copy_durably, samples, targets))
    seconds = time.perf_counter() - started

    for target in targets:
        target.unlink()
    return seconds


def _copy_durably(source: Path, target: Path) -> None:
    shutil.copyfile(source, target)
    with target.open("rb+") as copy:
        os.fsync(copy.fileno())


# -- the uploads -------------------------------------------------------------


async def graphql(
    client: httpx.AsyncClient, query: str, token: str | None = None, **variables: Any
) -> dict[str, Any]:
    """The one field a mutation answers; ``BenchFailed`` on errors or a Problem."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers
    )
    if response.status_code != 200:
        raise BenchFailed(f"GraphQL answered {response.status_code}: {response.text}")
    body = response.json()
    if body.get("errors"):
        raise BenchFailed(f"GraphQL answered errors: {body['errors']}")
    ((field, result),) = body["data"].items()
    if "code" in result:
        raise BenchFailed(f"{field}: {result['code']}: {result['message']}")
    answer: dict[str, Any] = result
    return answer


async def sign_up(client: httpx.AsyncClient) -> str:
    """Sign a new resident up (reading the OTP from ``/dev/sms``); their token."""
    mobile = "9" + "".join(secrets.choice("0123456789") for _ in range(9))
    username = f"bench_{secrets.token_hex(4)}"
    password = secrets.token_urlsafe(18)

    started = await graphql(client, START_SIGN_UP, mobile=mobile)
    outbox = await client.get("/dev/sms", params={"mobile": mobile})
    texted = [message["text"] for message in outbox.json()["messages"]]
    otp = re.search(r"\b\d{6}\b", texted[-1]) if texted else None
    if otp is None:
        raise BenchFailed("the server's /dev/sms outbox holds no sign-up OTP")
    await graphql(
        client, VERIFY_SIGN_UP, challengeId=started["challengeId"], otp=otp.group()
    )
    await graphql(
        client,
        COMPLETE_SIGN_UP,
        challengeId=started["challengeId"],
        username=username,
        password=password,
    )
    session = await graphql(client, LOG_IN, identifier=username, password=password)

    token: str = session["token"]
    return token


async def _upload(
    client: httpx.AsyncClient, token: str, sample: Path, ids: list[str]
) -> None:
    content = await anyio.Path(sample).read_bytes()
    started = await graphql(
        client,
        START_UPLOAD,
        token,
        input={"name": sample.name, "size": len(content), "folder": "Scans"},
    )
    response = await client.put(
        started["uploadUrl"],
        content=content,
        headers={"Authorization": f"Bearer {token}"},
    )
    if response.status_code != 201:
        raise BenchFailed(
            f"an upload answered {response.status_code}: {response.text[:300]}"
        )
    ids.append(response.json()["id"])


# -- the server ----------------------------------------------------------------


class LockerServer:
    """``python -m cli serve`` in a child process, on its own data and a free port.

    Entering starts it; ``wait_until_ready`` waits for ``/healthz``; leaving
    stops it. Settings come from development defaults, never from the caller's
    ``LOCKER_*`` or ``DATABASE_URL``, so every run measures the same set-up.
    """

    def __init__(self, data_dir: Path, log_path: Path) -> None:
        self.data_dir = data_dir
        self.log_path = log_path
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> LockerServer:
        environment = {
            name: value
            for name, value in os.environ.items()
            if not name.startswith("LOCKER_")
            and name not in {"DATABASE_URL", "REDIS_URL"}
        }
        environment.update(
            LOCKER_ENVIRONMENT="development",
            LOCKER_DATA_DIR=str(self.data_dir),
            LOCKER_PORT=str(self.port),
            LOCKER_PUBLIC_URL=self.url,
            LOCKER_SMS_SENDER="log",
            LOCKER_LOG_LEVEL="WARNING",
            # as scripts/serve.sh runs it: see the README on memory
            MALLOC_ARENA_MAX=os.environ.get("MALLOC_ARENA_MAX", "2"),
        )
        with self.log_path.open("wb") as log:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "cli", "serve"],
                cwd=ROOT,
                env=environment,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()

    @property
    def pid(self) -> int:
        if self._process is None:
            raise BenchFailed("the server was never started")
        return self._process.pid

    def wait_until_ready(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.check_alive()
            try:
                if httpx.get(f"{self.url}/healthz", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        raise BenchFailed(f"the server did not answer /healthz:\n{self.log_tail()}")

    def check_alive(self) -> None:
        if self._process is None or self._process.poll() is not None:
            raise BenchFailed(f"the server stopped:\n{self.log_tail()}")

    def log_tail(self, lines: int = 40) -> str:
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def reset_peak_memory(self) -> None:
        """Make the peak resident size (``VmHWM``) the current one."""
        Path(f"/proc/{self.pid}/clear_refs").write_text("5")

    def memory_bytes(self, field: str) -> int:
        """``VmRSS`` (resident now) or ``VmHWM`` (peak) of the server, in bytes."""
        status = Path(f"/proc/{self.pid}/status").read_text()
        for line in status.splitlines():
            name, _, value = line.partition(":")
            if name == field:
                return int(value.split()[0]) * 1024
        raise BenchFailed(f"/proc/{self.pid}/status has no {field}")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port
