"""Two app processes share one Redis: the limits hold across them.

The locker promises that nothing assumes one process: a resident who is
refused by one process behind the load balancer is refused by every other.
This test starts two real servers (``python -m cli serve``) on the suite's
database, both counting in Redis database 15 at 127.0.0.1:6379, and drives
them over HTTP.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis

from demo import queries

ROOT = Path(__file__).parents[2]
REDIS_URL = "redis://127.0.0.1:6379/15"
MOBILE = "9876543210"
OTHER_MOBILE = "9123456780"
PASSWORD = "kite-mango-lantern-42"
FAILURES_PER_ACCOUNT = 5  # the default of login_failures_per_account

LOG_IN = """
mutation LogIn($identifier: String!, $password: String!) {
  logIn(identifier: $identifier, password: $password) {
    ... on SessionStarted { token }
    ... on Problem { code message retryAfterSeconds }
  }
}
"""

START_SIGN_UP = """
mutation StartSignUp($mobile: String!) {
  startSignUp(mobile: $mobile) {
    ... on OtpSent { challengeId }
    ... on Problem { code message retryAfterSeconds }
  }
}
"""


@pytest.fixture
def shared_redis() -> Iterator[redis.Redis]:
    """Redis database 15, empty before and after the test."""
    connection = redis.Redis.from_url(REDIS_URL, socket_timeout=2)
    try:
        connection.ping()
    except redis.RedisError as error:
        connection.close()
        pytest.skip(f"no Redis server answers a PING at 127.0.0.1:6379 ({error})")
    connection.flushdb()
    try:
        yield connection
    finally:
        connection.flushdb()
        connection.close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _start_server(
    name: str, tmp_path: Path, database_url: str, keys_dir: Path
) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS_URL,
        "LOCKER_DATA_DIR": str(tmp_path / name),
        "LOCKER_ISSUER_KEYS_DIR": str(keys_dir),
        "LOCKER_PORT": str(port),
        "LOCKER_PUBLIC_URL": url,
        "LOCKER_SMS_SENDER": "log",
        # The suite migrated the database; two processes migrating at once
        # would race each other.
        "LOCKER_MIGRATE_ON_START": "false",
    }
    log = (tmp_path / f"{name}.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "cli", "serve"],
        cwd=ROOT,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    log.close()

    return process, url


def _wait_until_ready(process: subprocess.Popen[bytes], url: str, log: Path) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"server did not start:\n{log.read_text()}")
        time.sleep(0.2)


@pytest.fixture
def servers(
    tmp_path: Path,
    database_url: str,
    keys_dir: Path,
    db: None,
    shared_redis: redis.Redis,
) -> Iterator[tuple[str, str]]:
    """Two servers on one database and one Redis, as behind a load balancer."""
    started = [
        (*_start_server(name, tmp_path, database_url, keys_dir), name)
        for name in ("first", "second")
    ]
    try:
        for process, url, name in started:
            _wait_until_ready(process, url, tmp_path / f"{name}.log")
        yield started[0][1], started[1][1]
    finally:
        for process, _, _ in started:
            process.terminate()
        for process, _, _ in started:
            process.wait(timeout=30)


def call(server: str, document: str, **variables: str) -> dict[str, Any]:
    """Send one GraphQL document to ``server``; answer its ``data``."""
    response = httpx.post(
        f"{server}/graphql",
        json={"query": document, "variables": variables},
        timeout=30,
    )
    response.raise_for_status()
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body

    return dict(body["data"])


def last_otp(server: str, mobile: str) -> str:
    """The code in the latest SMS ``server`` sent to ``mobile`` (``/dev/sms``)."""
    messages = httpx.get(
        f"{server}/dev/sms", params={"mobile": mobile}, timeout=10
    ).json()["messages"]
    assert messages, f"{server} sent no SMS to {mobile}"
    match = re.search(r"\b\d{6}\b", messages[-1]["text"])
    assert match is not None, messages[-1]

    return match.group()


def sign_up(server: str, mobile: str, username: str) -> None:
    started = call(server, START_SIGN_UP, mobile=mobile)["startSignUp"]
    challenge_id = started["challengeId"]
    verified = call(
        server,
        queries.VERIFY_SIGN_UP,
        challengeId=challenge_id,
        otp=last_otp(server, mobile),
    )["verifySignUp"]
    assert verified == {"challengeId": challenge_id}, verified
    done = call(
        server,
        queries.COMPLETE_SIGN_UP,
        challengeId=challenge_id,
        username=username,
        password=PASSWORD,
    )["completeSignUp"]
    assert done == {"username": username}, done


def test_the_sign_in_pause_counts_failures_on_every_process(
    servers: tuple[str, str],
) -> None:
    first, second = servers
    sign_up(first, MOBILE, "asha.k")

    answers = []
    for attempt in range(FAILURES_PER_ACCOUNT):
        server = (first, second)[attempt % 2]
        answer = call(server, LOG_IN, identifier="asha.k", password="not-the-one-1")
        answers.append(answer["logIn"]["code"])
    on_first = call(first, LOG_IN, identifier="asha.k", password=PASSWORD)["logIn"]
    on_second = call(second, LOG_IN, identifier="asha.k", password=PASSWORD)["logIn"]

    assert answers == ["INVALID_CREDENTIALS"] * FAILURES_PER_ACCOUNT
    for paused in (on_first, on_second):
        assert paused["code"] == "RATE_LIMITED"
        assert 890 <= paused["retryAfterSeconds"] <= 900


def test_the_wait_between_codes_holds_across_processes(
    servers: tuple[str, str], shared_redis: redis.Redis
) -> None:
    first, second = servers
    sent = call(first, START_SIGN_UP, mobile=OTHER_MOBILE)["startSignUp"]

    refused = call(second, START_SIGN_UP, mobile=OTHER_MOBILE)["startSignUp"]

    assert "challengeId" in sent
    assert refused["code"] == "RATE_LIMITED"
    assert 1 <= refused["retryAfterSeconds"] <= 30
    messages = httpx.get(f"{second}/dev/sms", timeout=10).json()["messages"]
    assert messages == []
    keys = shared_redis.keys("openlocker:*")
    assert keys
    assert OTHER_MOBILE not in repr(keys)
