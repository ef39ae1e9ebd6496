"""The rate limiter: moving and fixed windows, on the injected clock, atomically."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator

import limits.aio.storage.memory
import pytest
import redis

from config.settings import Settings
from services.clock import FrozenClock
from services.ratelimit import Limit, RateLimiter

SECRET = "test-secret-key-for-the-service-tests-0123456789"
TEST_REDIS = "redis://127.0.0.1:6379/15"


def redis_answers() -> bool:
    with redis.Redis.from_url(TEST_REDIS, socket_timeout=1) as connection:
        try:
            return bool(connection.ping())
        except redis.RedisError:
            return False


@pytest.fixture
async def limiter(clock: FrozenClock) -> AsyncIterator[RateLimiter]:
    limiter = RateLimiter.in_memory(secret_key=SECRET, clock=clock)
    yield limiter
    await limiter.aclose()


@pytest.fixture(params=["memory", "redis"])
async def shared_limiter(
    request: pytest.FixtureRequest, clock: FrozenClock
) -> AsyncIterator[RateLimiter]:
    """A limiter in memory, and one over the local Redis server."""
    if request.param == "redis" and not redis_answers():
        pytest.skip("no Redis server answers at 127.0.0.1:6379")
    redis_url = TEST_REDIS if request.param == "redis" else None
    settings = Settings(secret_key=SECRET, redis_url=redis_url)

    limiter = RateLimiter.from_settings(settings, clock)
    yield limiter
    await limiter.aclose()


def fresh_key(limiter: RateLimiter) -> str:
    """A key no earlier test (or run, in Redis) has counted anything under."""
    return limiter.key("test", uuid.uuid4().hex)


def test_keys_are_namespaced_and_never_hold_the_value(limiter: RateLimiter) -> None:
    key = limiter.key("otp:mobile", "9810012345")

    namespace, _, digest = key.rpartition(":")
    assert namespace == "otp:mobile"
    assert "9810012345" not in key
    assert len(digest) == 64
    assert limiter.key("otp:mobile", "9810012345") == key
    assert limiter.key("otp:address", "9810012345") != key


def test_keys_depend_on_the_secret(clock: FrozenClock) -> None:
    ours = RateLimiter.in_memory(secret_key=SECRET, clock=clock)
    theirs = RateLimiter.in_memory(secret_key="another-secret-" * 3, clock=clock)

    assert ours.key("login:account", "aarav") != theirs.key("login:account", "aarav")


async def test_moving_window_frees_a_place_when_the_oldest_event_ages_out(
    limiter: RateLimiter, clock: FrozenClock
) -> None:
    limit = Limit.moving_window(3, 60)
    key = fresh_key(limiter)
    for _ in range(3):
        assert await limiter.hit(key, limit)
        clock.advance(10)

    refused = await limiter.hit(key, limit)
    wait = await limiter.retry_after(key, limit)
    clock.advance(wait - 1)
    still_refused = await limiter.hit(key, limit)
    clock.advance(1)
    allowed = await limiter.hit(key, limit)

    assert refused is False
    assert wait == 31
    assert still_refused is False
    assert allowed is True


async def test_fixed_window_opens_at_the_first_event_and_closes_after_its_length(
    limiter: RateLimiter, clock: FrozenClock
) -> None:
    limit = Limit.fixed_window(2, 60)
    key = fresh_key(limiter)
    assert await limiter.hit(key, limit)
    clock.advance(50)
    assert await limiter.hit(key, limit)

    refused = await limiter.hit(key, limit)
    wait = await limiter.retry_after(key, limit)
    clock.advance(10)
    allowed = await limiter.hit(key, limit)

    assert refused is False
    assert wait == 10
    assert allowed is True


async def test_retry_after_is_zero_while_there_is_room(limiter: RateLimiter) -> None:
    key = fresh_key(limiter)

    assert await limiter.retry_after(key, Limit.moving_window(1, 60)) == 0
    assert await limiter.retry_after(key, Limit.fixed_window(1, 60)) == 0


async def test_a_released_event_makes_room_again(limiter: RateLimiter) -> None:
    limit = Limit.fixed_window(2, 60)
    key = fresh_key(limiter)
    await limiter.hit(key, limit)
    await limiter.hit(key, limit)

    await limiter.release(key, limit)

    assert await limiter.hit(key, limit) is True
    assert await limiter.hit(key, limit) is False


async def test_refused_hits_are_not_counted(limiter: RateLimiter) -> None:
    limit = Limit.fixed_window(1, 60)
    key = fresh_key(limiter)
    await limiter.hit(key, limit)
    for _ in range(3):
        await limiter.hit(key, limit)

    await limiter.release(key, limit)

    assert await limiter.hit(key, limit) is True


async def test_release_after_the_window_closed_gives_no_extra_place(
    limiter: RateLimiter, clock: FrozenClock
) -> None:
    limit = Limit.fixed_window(1, 60)
    key = fresh_key(limiter)
    await limiter.hit(key, limit)
    clock.advance(60)

    await limiter.release(key, limit)

    assert await limiter.hit(key, limit) is True
    assert await limiter.hit(key, limit) is False


async def test_clear_forgets_a_fixed_window(limiter: RateLimiter) -> None:
    limit = Limit.fixed_window(1, 60)
    key = fresh_key(limiter)
    await limiter.hit(key, limit)

    await limiter.clear(key, limit)

    assert await limiter.retry_after(key, limit) == 0
    assert await limiter.hit(key, limit) is True


async def test_a_moving_window_cannot_be_cleared_or_given_back_to(
    limiter: RateLimiter,
) -> None:
    limit = Limit.moving_window(1, 60)
    key = fresh_key(limiter)

    with pytest.raises(ValueError, match="fixed"):
        await limiter.clear(key, limit)
    with pytest.raises(ValueError, match="fixed"):
        await limiter.release(key, limit)


@pytest.mark.parametrize(
    "limit", [Limit.moving_window(5, 60), Limit.fixed_window(5, 60)], ids=repr
)
async def test_racing_hits_never_get_past_the_limit(
    shared_limiter: RateLimiter, limit: Limit
) -> None:
    key = fresh_key(shared_limiter)

    results = await asyncio.gather(*(shared_limiter.hit(key, limit) for _ in range(40)))

    assert results.count(True) == 5
    assert await shared_limiter.retry_after(key, limit) > 0


async def test_redis_keys_hold_no_value_in_clear(clock: FrozenClock) -> None:
    if not redis_answers():
        pytest.skip("no Redis server answers at 127.0.0.1:6379")
    limiter = RateLimiter.from_settings(
        Settings(secret_key=SECRET, redis_url=TEST_REDIS), clock
    )
    mobile = "98" + str(uuid.uuid4().int)[:8]

    try:
        await limiter.hit(limiter.key("otp:mobile", mobile), Limit.moving_window(5, 60))
        with redis.Redis.from_url(TEST_REDIS) as connection:
            stored = connection.keys("openlocker:*otp:mobile:*")
    finally:
        await limiter.aclose()

    assert stored
    assert not any(mobile.encode() in key for key in stored)


def test_limits_are_in_memory_without_a_redis_url(clock: FrozenClock) -> None:
    limiter = RateLimiter.from_settings(
        Settings(secret_key=SECRET, redis_url=None), clock
    )

    assert type(limiter.storage).__name__ == "MemoryStorage"


async def test_limits_follow_the_limiter_clock_only_inside_the_limiter(
    limiter: RateLimiter, clock: FrozenClock
) -> None:
    clock.advance(-86400)  # a day behind the system clock
    key = fresh_key(limiter)
    await limiter.hit(key, Limit.fixed_window(1, 60))

    seen_outside = vars(limits.aio.storage.memory)["time"].time()
    expires_at = await limiter.storage.get_expiry(
        Limit.fixed_window(1, 60).item().key_for(key)
    )

    assert abs(seen_outside - time.time()) < 5
    assert expires_at == clock.now().timestamp() + 60
