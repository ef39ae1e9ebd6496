"""Rate limits that every app process shares: OTP sends and failed sign-ins.

The counting is done by the ``limits`` library over one storage: the process's
memory by default, Redis when ``REDIS_URL`` is set, so that many app processes
behind a load balancer count together. Each operation is one atomic step in the
storage (a Lua script in Redis, a per-key lock in memory): two requests racing
for the last slot never both get it.

Two kinds of ``Limit`` are offered. A *moving window* allows at most
``amount`` events in any ``seconds``-long span; it answers the hourly OTP
caps. A *fixed window* opens at its first event and lasts ``seconds``; it can
be cleared and an event given back, which the sign-in limits need (a try is
counted before the password is checked, and given back or forgotten when the
password was right) and the wait between two codes (forgotten once a code is
entered).

Keys never hold a mobile number, username or address in clear: ``key`` names
them by a keyed hash under the server's secret.

Time: ``limits`` reads ``time.time()``, the locker an injectable ``Clock``.
While the limiter calls into ``limits``, its storage modules read the
limiter's clock instead (through a context variable), so a test that moves its
``FrozenClock`` moves the limits with it and nothing else in the process
notices. Redis expires keys by its own clock; only counters depend on that.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import limits.aio.storage.memory
import limits.aio.storage.redis.redispy
import redis.asyncio
from limits import RateLimitItem, RateLimitItemPerSecond
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter

from config.settings import Settings
from services.clock import Clock
from services.crypto import keyed_hash
from services.errors import RateLimited

logger = logging.getLogger(__name__)

KEY_PREFIX = "openlocker"

_clock_seconds: ContextVar[Callable[[], float] | None] = ContextVar(
    "ratelimit_clock", default=None
)


class _LimiterTime:
    """What ``limits``' storage modules see as ``time``: the limiter's clock
    while the limiter is calling them, the system clock otherwise."""

    def time(self) -> float:
        read = _clock_seconds.get()
        return time.time() if read is None else read()

    def __getattr__(self, name: str) -> Any:
        return getattr(time, name)


def _redirect_limits_time(*modules: ModuleType) -> None:
    """Point the storage modules' ``time`` at ``_LimiterTime``.

    Fails loudly if an upgrade of ``limits`` stopped reading ``time`` there,
    rather than leaving the limits on a clock the tests do not move.
    """
    for module in modules:
        current = getattr(module, "time", None)
        if current is not time and not isinstance(current, _LimiterTime):
            raise RuntimeError(
                f"{module.__name__} no longer reads the time from the time module; "
                "services.ratelimit must be updated for this version of limits"
            )
        setattr(module, "time", _LimiterTime())  # noqa: B010 - a module global


_redirect_limits_time(limits.aio.storage.memory, limits.aio.storage.redis.redispy)


@dataclass(frozen=True)
class Limit:
    """At most ``amount`` events within ``seconds``.

    A *moving* window (``Limit.moving_window``) counts any ``seconds``-long
    span: no burst gets past it at a window's edge. A *fixed* one
    (``Limit.fixed_window``) opens at the first event and closes ``seconds``
    later; its count can be cleared, and an event given back, which a moving
    one's cannot.
    """

    amount: int
    seconds: int
    moving: bool

    @classmethod
    def fixed_window(cls, amount: int, seconds: int) -> Limit:
        return cls(amount, seconds, moving=False)

    @classmethod
    def moving_window(cls, amount: int, seconds: int) -> Limit:
        return cls(amount, seconds, moving=True)

    def item(self) -> RateLimitItem:
        namespace = "moving" if self.moving else "fixed"
        return RateLimitItemPerSecond(self.amount, self.seconds, namespace=namespace)


class RateLimiter:
    """Atomic rate-limit operations over a ``limits`` storage, on ``clock``'s time.

    Build it with ``from_settings`` (memory, or Redis when ``redis_url`` is
    set) or ``in_memory``; whoever builds it calls ``aclose`` at shutdown.
    Callers name what they limit with ``key`` and pass the same ``Limit`` to
    every operation on that key.
    """

    def __init__(
        self,
        storage: Storage,
        *,
        secret_key: str,
        clock: Clock,
        connection_pool: redis.asyncio.ConnectionPool | None = None,
    ) -> None:
        self.storage = storage
        self.clock = clock
        self._key = secret_key.encode()
        self._moving = MovingWindowRateLimiter(storage)
        self._pool = connection_pool

    @classmethod
    def in_memory(cls, *, secret_key: str, clock: Clock) -> RateLimiter:
        """Counters in this process only: the embedded default, and tests."""
        return cls(MemoryStorage(), secret_key=secret_key, clock=clock)

    @classmethod
    def from_settings(cls, settings: Settings, clock: Clock) -> RateLimiter:
        """Redis at ``settings.redis_url`` if set, else process memory."""
        secret_key = settings.secret_key.get_secret_value()
        if not settings.redis_url:
            return cls.in_memory(secret_key=secret_key, clock=clock)

        # The pool is ours, so that ``aclose`` can close its connections.
        pool = redis.asyncio.ConnectionPool.from_url(settings.redis_url)
        storage = RedisStorage(
            f"async+{settings.redis_url}",
            implementation="redispy",
            key_prefix=KEY_PREFIX,
            connection_pool=pool,  # type: ignore[arg-type]  # typed as scalars only
        )
        logger.info("Rate limits are kept in Redis")

        return cls(storage, secret_key=secret_key, clock=clock, connection_pool=pool)

    def key(self, namespace: str, value: str) -> str:
        """``<namespace>:<keyed hash of value>``, e.g. ``otp:mobile:9f2c…``."""
        digest = keyed_hash(self._key, value, purpose=f"ratelimit/{namespace}")

        return f"{namespace}:{digest}"

    async def hit(self, key: str, limit: Limit) -> bool:
        """Count one event under ``key`` if ``limit`` has room for it.

        Answers False, counting nothing, when ``limit.amount`` events are
        already counted in the window.
        """
        with self._on_clock():
            if limit.moving:
                return await self._moving.hit(limit.item(), key)

            counter = limit.item().key_for(key)
            if await self.storage.incr(counter, limit.seconds) <= limit.amount:
                return True
            await self.storage.incr(counter, limit.seconds, amount=-1)

        return False

    async def retry_after(self, key: str, limit: Limit) -> int:
        """Whole seconds until ``hit`` on ``key`` can succeed; 0 if it can now."""
        with self._on_clock():
            if limit.moving:
                stats = await self._moving.get_window_stats(limit.item(), key)
                if stats.remaining > 0:
                    return 0
                # An event exactly ``seconds`` old still counts: the place
                # frees in the second after.
                left = self._seconds_until(stats.reset_time)
                return math.floor(left) + 1

            counter = limit.item().key_for(key)
            if await self.storage.get(counter) < limit.amount:
                return 0
            left = self._seconds_until(await self.storage.get_expiry(counter))

        return max(1, math.ceil(left))

    async def release(self, key: str, limit: Limit) -> None:
        """Give back one event a fixed ``limit`` counted under ``key``."""
        counter = self._fixed(limit).item().key_for(key)
        with self._on_clock():
            if await self.storage.incr(counter, limit.seconds, amount=-1) < 0:
                # The window closed between the hit and now: there was nothing
                # to give back, and a negative count would allow an extra event.
                await self.storage.clear(counter)

    async def clear(self, key: str, limit: Limit) -> None:
        """Forget every event a fixed ``limit`` counted under ``key``."""
        counter = self._fixed(limit).item().key_for(key)
        with self._on_clock():
            await self.storage.clear(counter)

    async def aclose(self) -> None:
        """Stop the memory storage's expiry task, or close the Redis connections."""
        if self._pool is not None:
            await self._pool.aclose()
        timer = getattr(self.storage, "timer", None)
        if timer is not None and not timer.done():
            timer.cancel()

    @staticmethod
    def _fixed(limit: Limit) -> Limit:
        if limit.moving:
            # limits' memory storage can fail expiring a moving window that is
            # being cleared; the locker has no need to, so it is refused.
            raise ValueError("only a fixed Limit can be cleared or given back to")
        return limit

    @contextmanager
    def _on_clock(self) -> Iterator[None]:
        token = _clock_seconds.set(self._now)
        try:
            yield
        finally:
            _clock_seconds.reset(token)

    def _now(self) -> float:
        return self.clock.now().timestamp()

    def _seconds_until(self, moment: float) -> float:
        # Timestamps are kept to the microsecond; rounding drops the float
        # noise that would turn 30 seconds into 29.999999.
        return round(moment - self._now(), 3)


@dataclass(frozen=True)
class LoginAttempt:
    """The keys one sign-in is counted under."""

    account_key: str
    lock_key: str
    address_key: str | None


class LoginThrottle:
    """Pauses sign-ins after repeated wrong passwords, per account and per address.

    Every sign-in goes ``admit`` (which reserves the try before the password
    is checked, so that racing tries cannot go past the limit), then exactly
    one of ``succeeded`` and ``failed``. When an account's failures reach
    ``login_failures_per_account`` within ``login_lockout_seconds`` of the
    first, its sign-ins pause for ``login_lockout_seconds``; a successful
    sign-in starts its count afresh. When an address's failures reach
    ``login_failures_per_address`` within that window, its sign-ins pause
    until the window closes; its successful sign-ins do not count.
    """

    def __init__(self, limiter: RateLimiter, settings: Settings) -> None:
        self.limiter = limiter
        window = settings.login_lockout_seconds
        self.account_limit = Limit.fixed_window(
            settings.login_failures_per_account, window
        )
        self.address_limit = Limit.fixed_window(
            settings.login_failures_per_address, window
        )
        self.lock_limit = Limit.fixed_window(1, window)

    def attempt(self, subject: str, client_address: str) -> LoginAttempt:
        """The keys for a sign-in to ``subject`` (an account id, or the
        identifier given when no account has it) from ``client_address``."""
        return LoginAttempt(
            account_key=self.limiter.key("login:account", subject),
            lock_key=self.limiter.key("login:lock", subject),
            address_key=(
                self.limiter.key("login:address", client_address)
                if client_address
                else None
            ),
        )

    async def admit(self, attempt: LoginAttempt) -> None:
        """Reserve this try, or raise ``RateLimited`` saying how long to wait."""
        locked_for = await self.limiter.retry_after(attempt.lock_key, self.lock_limit)
        if locked_for:
            raise _too_many_failures(locked_for)

        address = attempt.address_key
        if address and not await self.limiter.hit(address, self.address_limit):
            raise _too_many_failures(
                await self.limiter.retry_after(address, self.address_limit)
            )

        if not await self.limiter.hit(attempt.account_key, self.account_limit):
            await self._release_address(attempt)
            # Another try holds the last place; if it fails, the lock follows.
            wait = max(
                await self.limiter.retry_after(attempt.account_key, self.account_limit),
                await self.limiter.retry_after(attempt.lock_key, self.lock_limit),
            )
            raise _too_many_failures(wait)

    async def succeeded(self, attempt: LoginAttempt) -> None:
        """The password was right: the account starts afresh, the try is returned."""
        await self.limiter.clear(attempt.account_key, self.account_limit)
        await self._release_address(attempt)

    async def failed(self, attempt: LoginAttempt) -> bool:
        """The password was wrong: the reserved try stays counted.

        Answers True for the one failure that paused the account's sign-ins.
        """
        if not await self.limiter.retry_after(attempt.account_key, self.account_limit):
            return False

        return await self.limiter.hit(attempt.lock_key, self.lock_limit)

    async def lift(self, subject: str) -> None:
        """Start ``subject`` afresh: failures forgotten, any pause lifted.

        For a password reset, which proves the owner holds the mobile.
        """
        attempt = self.attempt(subject, "")
        await self.limiter.clear(attempt.account_key, self.account_limit)
        await self.limiter.clear(attempt.lock_key, self.lock_limit)

    async def _release_address(self, attempt: LoginAttempt) -> None:
        if attempt.address_key is not None:
            await self.limiter.release(attempt.address_key, self.address_limit)


def _too_many_failures(seconds: int) -> RateLimited:
    return RateLimited(
        f"Too many failed sign-ins; try again in {seconds} seconds.",
        retry_after_seconds=seconds,
    )
