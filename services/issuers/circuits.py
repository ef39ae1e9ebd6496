"""A circuit breaker per issuer: stop calling an issuer that keeps failing.

An issuer that is down makes every resident who asks for its documents wait
for a timeout, and every wait holds a request of this server. After
``failure_threshold`` failed calls in a row the issuer's circuit *opens*: for
``cooldown_seconds`` the locker answers ``ISSUER_UNAVAILABLE`` at once, with
the seconds to wait, without calling the issuer. Then the circuit is
*half-open*: one trial call goes through while the others are still refused.
The trial's success *closes* the circuit (calls resume); its failure opens it
for another cooldown::

    closed ──N failures in a row──▶ open ──cooldown──▶ half-open
      ▲                               ▲                   │
      └────────trial succeeds─────────┼───trial fails─────┘

What counts: a success closes and resets; a failure (unreachable, too slow,
an answer that cannot be used, a crash of the adapter) counts; an answer that
says something about the request rather than the issuer ("no such record",
"it will be pushed later") and a call cancelled by its caller count neither
way (``released``), so a resident's typo never trips or heals a circuit.

Time is the locker's ``Clock``, so a test moves it instead of sleeping.

State is kept per server process, in memory: with several processes each one
learns of a failing issuer on its own, after at most ``failure_threshold``
failed calls of its own, which is cheap beside sharing state through Redis on
every call. Calls run on one event loop and no method awaits, so the state
needs no lock.

Why not a library: the asyncio circuit breakers on PyPI were checked
(``purgatory`` 3.0, ``circuitbreaker`` 2.1, ``pybreaker`` 1.4, ``aiobreaker``
1.2). None reads an injectable clock (they call ``time.time()``,
``time.monotonic()`` or ``datetime.now()``, so tests would sleep or patch
the time module); ``purgatory`` and ``circuitbreaker`` let every concurrent
call through a half-open circuit rather than one trial, ``circuitbreaker``
registers every breaker in a process-wide monitor, ``pybreaker``'s async
support needs Tornado, and ``aiobreaker`` has had no release since 2021. The
state machine is the few methods below.
"""

from __future__ import annotations

import enum
import logging
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import ClassVar

from adapters.sdk import IssuerAdapter, IssuerUnavailable
from services.clock import Clock

logger = logging.getLogger(__name__)


class CircuitState(enum.StrEnum):
    """Where an issuer's circuit stands; the values appear in logs."""

    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half-open"


class IssuerResting(IssuerUnavailable):
    """The issuer's circuit is open: the locker did not call it this time.

    Code ``ISSUER_UNAVAILABLE``, like any issuer that cannot answer now;
    ``retry_after_seconds`` says when a try may reach the issuer again.
    Not retried: the circuit stays open for a while.
    """

    worth_retrying: ClassVar[bool] = False

    def __init__(
        self, message: str, *, issuer_id: str, retry_after_seconds: int
    ) -> None:
        super().__init__(message)
        self.issuer_id = issuer_id
        self.retry_after_seconds = retry_after_seconds


@dataclass(frozen=True)
class CircuitPolicy:
    """When a circuit opens and how long it stays open."""

    failure_threshold: int = 5
    cooldown_seconds: float = 30.0


class Circuit:
    """One issuer's circuit in this process; see the module docstring.

    A caller asks ``admit()`` before calling the issuer (it raises
    ``IssuerResting`` when the call must not be made), then reports how the
    call ended with exactly one of ``succeeded()``, ``failed()`` or
    ``released()``.
    """

    def __init__(
        self, issuer_id: str, issuer_name: str, policy: CircuitPolicy, clock: Clock
    ) -> None:
        self.issuer_id = issuer_id
        self.issuer_name = issuer_name
        self._policy = policy
        self._cooldown = timedelta(seconds=policy.cooldown_seconds)
        self._clock = clock
        self._state = CircuitState.CLOSED
        self._failures = 0
        self._opened_at: datetime | None = None
        self._trial_in_flight = False

    @property
    def state(self) -> CircuitState:
        """The state as last changed; an open circuit turns half-open on ``admit``."""
        return self._state

    @property
    def failures(self) -> int:
        """Failed calls in a row while closed."""
        return self._failures

    def admit(self) -> None:
        """Let a call through, or raise ``IssuerResting``."""
        if self._state is CircuitState.CLOSED:
            return

        now = self._clock.now()
        if self._state is CircuitState.OPEN and now >= self._reopens_at():
            self._state = CircuitState.HALF_OPEN
            self._trial_in_flight = False
            logger.info(
                "Trying issuer %s again after its cooldown",
                self.issuer_id,
                extra={"issuer_id": self.issuer_id},
            )
        if self._state is CircuitState.HALF_OPEN and not self._trial_in_flight:
            self._trial_in_flight = True
            return

        raise self._refusal(now)

    def succeeded(self) -> None:
        """The issuer answered: calls go through again."""
        if self._state is not CircuitState.CLOSED:
            logger.info(
                "Issuer %s answers again; calls resume",
                self.issuer_id,
                extra={"issuer_id": self.issuer_id},
            )
        self._state = CircuitState.CLOSED
        self._failures = 0
        self._trial_in_flight = False

    def failed(self) -> None:
        """The issuer failed this call."""
        if self._state is CircuitState.HALF_OPEN:
            self._open()
        elif self._state is CircuitState.CLOSED:
            self._failures += 1
            if self._failures >= self._policy.failure_threshold:
                self._open()
        # Already open: a call let through before it opened ended late, and
        # says nothing new.

    def released(self) -> None:
        """The call ended without telling whether the issuer works."""
        if self._state is CircuitState.HALF_OPEN:
            self._trial_in_flight = False

    def _open(self) -> None:
        self._state = CircuitState.OPEN
        self._opened_at = self._clock.now()
        self._trial_in_flight = False
        logger.warning(
            "Issuer %s keeps failing: not calling it for %s seconds",
            self.issuer_id,
            self._policy.cooldown_seconds,
            extra={"issuer_id": self.issuer_id, "failures": self._failures},
        )
        self._failures = 0

    def _reopens_at(self) -> datetime:
        assert self._opened_at is not None  # set whenever the circuit opens
        return self._opened_at + self._cooldown

    def _refusal(self, now: datetime) -> IssuerResting:
        if self._state is CircuitState.OPEN:
            remaining = (self._reopens_at() - now).total_seconds()
        else:
            remaining = 0.0  # half-open: the trial call under way decides soon
        retry_after = max(1, math.ceil(remaining))

        return IssuerResting(
            f"{self.issuer_name} has not been answering, so the locker is giving "
            f"it a rest; try again in {_duration(retry_after)}.",
            issuer_id=self.issuer_id,
            retry_after_seconds=retry_after,
        )


class Circuits:
    """Every issuer's circuit in this process, each made at its first call."""

    def __init__(self, policy: CircuitPolicy, clock: Clock) -> None:
        self._policy = policy
        self._clock = clock
        self._circuits: dict[str, Circuit] = {}

    def of(self, adapter: IssuerAdapter) -> Circuit:
        """The circuit of ``adapter``'s issuer."""
        circuit = self._circuits.get(adapter.issuer_id)
        if circuit is None:
            circuit = Circuit(
                adapter.issuer_id, adapter.name, self._policy, self._clock
            )
            self._circuits[adapter.issuer_id] = circuit

        return circuit


def _duration(seconds: int) -> str:
    if seconds < 60:
        return "a few seconds" if seconds <= 5 else f"{seconds} seconds"
    minutes = math.ceil(seconds / 60)
    return "a minute" if minutes == 1 else f"{minutes} minutes"
