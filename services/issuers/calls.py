"""Calling issuers' adapters with a timeout, retries and a circuit breaker.

Every call the locker makes to an adapter goes through ``IssuerCalls``:

- **a deadline**: a read may take the adapter's ``call_timeout_seconds`` in
  all, retries included; past it the call is abandoned and answers
  ``IssuerTimedOut`` (code ``ISSUER_UNAVAILABLE``), so a slow issuer never
  holds a resident longer than its adapter declares;
- **retries**: ``find`` and ``fetch`` only read, so a failure that may pass
  (``IssuerUnavailable``: unreachable, an error status, a timeout) is tried
  again, up to ``attempts`` tries, after a short wait that doubles each time
  and is drawn at random below that (full jitter, so that many residents'
  retries do not arrive together). A retry starts only while it can still end
  before the deadline. An answer is never retried: no such record, someone
  else's record, bad lookup input, "pending, the issuer will push it"
  (``PullPending``), or an ``IssuerUnavailable`` whose class says asking
  again gets the same answer (``worth_retrying = False``: an answer the
  adapter refused to trust, say);
- **a circuit breaker** per issuer (``services.issuers.circuits``): each try
  that fails counts (unless its ``IssuerUnavailable`` class says the issuer is
  not at fault, ``issuer_failed = False``), and after a run of them the issuer
  is not called for a while; the refusal (``IssuerResting``) has the same code
  and is not retried.

The waits use ``sleep``, which tests replace so that they never sleep.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar

import anyio
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
    stop_before_delay,
    wait_random_exponential,
)

from adapters.sdk import (
    FindResult,
    HolderMismatch,
    Identity,
    InvalidLookup,
    IssuerAdapter,
    IssuerUnavailable,
    PullPending,
    RecordNotFound,
    StandardDocument,
)
from config.settings import Settings
from services.clock import Clock
from services.issuers.circuits import (
    Circuit,
    CircuitPolicy,
    Circuits,
)

logger = logging.getLogger(__name__)

T = TypeVar("T")

# The longest single wait between two tries, whatever the doubling reaches.
_LONGEST_WAIT_SECONDS = 5.0
# What the issuer said about the request, not about itself: neither a
# failure to retry nor one to count against its circuit.
_ANSWERS = (InvalidLookup, RecordNotFound, HolderMismatch, PullPending)


class IssuerTimedOut(IssuerUnavailable):
    """The issuer did not answer within its adapter's ``call_timeout_seconds``."""


@dataclass(frozen=True)
class CallPolicy:
    """How hard the locker tries an issuer, and when it stops calling one.

    ``attempts`` counts the first try; ``first_wait_seconds`` bounds the wait
    before the second, each later bound doubling.
    """

    attempts: int = 3
    first_wait_seconds: float = 0.5
    failure_threshold: int = 10
    cooldown_seconds: float = 30.0

    @classmethod
    def from_settings(cls, settings: Settings) -> CallPolicy:
        return cls(
            attempts=settings.issuer_call_attempts,
            first_wait_seconds=settings.issuer_retry_wait_seconds,
            failure_threshold=settings.issuer_circuit_failures,
            cooldown_seconds=settings.issuer_circuit_cooldown_seconds,
        )


class IssuerCalls:
    """The one way the locker calls adapters; one per process, shared.

    ``sleep`` waits between tries (``anyio.sleep``; tests pass one that
    returns at once). Circuits are kept per issuer in this process.
    """

    def __init__(
        self,
        policy: CallPolicy,
        clock: Clock,
        *,
        sleep: Callable[[float], Awaitable[None]] = anyio.sleep,
    ) -> None:
        self.policy = policy
        self._circuits = Circuits(
            CircuitPolicy(policy.failure_threshold, policy.cooldown_seconds), clock
        )
        self._sleep = sleep

    def circuit(self, adapter: IssuerAdapter) -> Circuit:
        """The circuit of ``adapter``'s issuer in this process."""
        return self._circuits.of(adapter)

    async def find(
        self,
        adapter: IssuerAdapter,
        doc_type: str,
        lookup: Mapping[str, str],
        identity: Identity,
    ) -> FindResult:
        """``adapter.lookup``, guarded; see the module docstring.

        Malformed lookup input is refused first, without the issuer, so that
        a resident hears of a typo even while the issuer is resting.
        """
        adapter.doc_type(doc_type).clean_lookup(lookup)

        return await self._read(
            adapter, "find", lambda: adapter.lookup(doc_type, lookup, identity)
        )

    async def fetch(self, adapter: IssuerAdapter, uri: str) -> StandardDocument:
        """``adapter.get(uri)``, guarded; see the module docstring."""
        return await self._read(adapter, "fetch", lambda: adapter.get(uri))

    async def _read(
        self,
        adapter: IssuerAdapter,
        operation: str,
        call: Callable[[], Awaitable[T]],
    ) -> T:
        circuit = self._circuits.of(adapter)
        timeout = adapter.call_timeout_seconds
        deadline = anyio.current_time() + timeout
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self.policy.attempts) | stop_before_delay(timeout),
            wait=wait_random_exponential(
                multiplier=self.policy.first_wait_seconds, max=_LONGEST_WAIT_SECONDS
            ),
            retry=retry_if_exception(_worth_retrying),
            sleep=self._sleep,
            before_sleep=_log_retry(adapter, operation),
            reraise=True,
        )

        async for attempt in retrying:
            with attempt:
                return await _attempt(adapter, circuit, call, deadline)
        raise AssertionError("tenacity ends with a result or re-raises")


async def _attempt(
    adapter: IssuerAdapter,
    circuit: Circuit,
    call: Callable[[], Awaitable[T]],
    deadline: float,
) -> T:
    """One try through the circuit, with what is left of the deadline."""
    circuit.admit()
    try:
        with anyio.fail_after(max(deadline - anyio.current_time(), 0)):
            answer = await call()
    except TimeoutError:
        circuit.failed()
        raise IssuerTimedOut(
            f"{adapter.name} did not answer in time; try again in a few minutes."
        ) from None
    except _ANSWERS:
        circuit.released()
        raise
    except IssuerUnavailable as error:
        if error.issuer_failed:
            circuit.failed()
        else:
            circuit.released()
        raise
    except Exception:
        circuit.failed()
        raise
    except BaseException:
        circuit.released()  # cancelled by the caller: no verdict on the issuer
        raise

    circuit.succeeded()
    return answer


def _worth_retrying(error: BaseException) -> bool:
    return isinstance(error, IssuerUnavailable) and error.worth_retrying


def _log_retry(
    adapter: IssuerAdapter, operation: str
) -> Callable[[RetryCallState], None]:
    def log(state: RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome else None
        logger.info(
            "Issuer %s failed a %s (%s); trying again in %.2f s",
            adapter.issuer_id,
            operation,
            type(error).__name__,
            state.upcoming_sleep,
            extra={"issuer_id": adapter.issuer_id, "attempt": state.attempt_number},
        )

    return log
