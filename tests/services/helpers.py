"""Small helpers shared by the service tests."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

import pytest
from argon2 import PasswordHasher

from models import Account

# The password ``sign_up`` chooses unless told otherwise.
PASSWORD = "monsoon-chai-1987"

# The ``sign_up`` fixture: runs the whole sign-up, answers the account.
SignUp = Callable[..., Awaitable[Account]]

_STANDARD_ATTRIBUTES = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


def logged_text(caplog: pytest.LogCaptureFixture) -> str:
    """Every captured message with its ``extra=`` fields, one record a line.

    The record's own bookkeeping (timestamps, process ids) is left out: its
    digits could spell a six-digit code by chance.
    """
    lines = []
    for record in caplog.records:
        extras = {
            name: value
            for name, value in vars(record).items()
            if name not in _STANDARD_ATTRIBUTES
        }
        lines.append(f"{record.getMessage()} {extras!r}")

    return "\n".join(lines)


def fast_password_hasher() -> PasswordHasher:
    """argon2id at its cheapest: the tests check behaviour, not hashing cost."""
    return PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
