"""Calls to an adapter under the contract suite, watched as the locker would.

``AdapterCalls`` makes each call the way the locker does (``lookup`` and
``get``), on the test's own event loop, within the adapter's
``call_timeout_seconds``, under a ``NetworkGuard``; anything but an answer or
one of the SDK's errors fails the test with a sentence saying what to fix.
``adapters.sdk.contract`` builds its checks on it.

This module imports pytest: import it from tests only.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import ParamSpec, TypeVar

import pytest

from adapters.kit.network import NetworkGuard
from adapters.sdk.base import IssuerAdapter
from adapters.sdk.document import StandardDocument
from adapters.sdk.errors import AdapterError
from adapters.sdk.identity import FindResult, Identity

_Result = TypeVar("_Result")
_Params = ParamSpec("_Params")


@dataclass(frozen=True)
class ContractLookup:
    """A lookup the contract makes: doc type, typed values, the resident asking.

    For an example, ``identity`` is the verified identity of the record's
    holder; for ``not_found``, whoever asks.
    """

    doc_type: str
    lookup: Mapping[str, str]
    identity: Identity


@dataclass
class AdapterCalls:
    """Calls to the adapter, as the locker makes them, watched by the contract.

    Each call runs on the test's own event loop within the adapter's
    ``call_timeout_seconds``; an error that is not one of the SDK's, a
    connection the guard refused, or a call that overran fails the test.
    """

    adapter: IssuerAdapter
    guard: NetworkGuard
    runner: asyncio.Runner

    def lookup(self, example: ContractLookup) -> FindResult:
        __tracebackhide__ = True
        return self._call(
            f"lookup({example.doc_type!r}, {dict(example.lookup)!r})",
            lambda: self.adapter.lookup(
                example.doc_type, example.lookup, example.identity
            ),
        )

    def get(self, uri: str) -> StandardDocument:
        __tracebackhide__ = True
        return self._call(f"get({uri!r})", lambda: self.adapter.get(uri))

    def found(self, example: ContractLookup) -> FindResult:
        """The example's lookup, which must find its record."""
        __tracebackhide__ = True
        error = None
        try:
            return self.lookup(example)
        except AdapterError as raised:
            error = raised
        pytest.fail(
            f"the example {example.doc_type} {dict(example.lookup)!r} should find "
            f"a record; its lookup raised {type(error).__name__}: {error.message}",
            pytrace=False,
        )

    def fetched(self, uri: str) -> StandardDocument:
        """The document ``find`` just answered, which must be there."""
        __tracebackhide__ = True
        error = None
        try:
            return self.get(uri)
        except AdapterError as raised:
            error = raised
        pytest.fail(
            f"{uri}, which find answered, should be fetched; get raised "
            f"{type(error).__name__}: {error.message}",
            pytrace=False,
        )

    def raised(
        self,
        call: Callable[_Params, object],
        *args: _Params.args,
        **kwargs: _Params.kwargs,
    ) -> AdapterError | None:
        """The SDK error ``call(*args)`` raised, or None when it answered."""
        __tracebackhide__ = True
        try:
            call(*args, **kwargs)
        except AdapterError as error:
            return error
        return None

    def _call(
        self, description: str, call: Callable[[], Awaitable[_Result]]
    ) -> _Result:
        __tracebackhide__ = True
        limit = self.adapter.call_timeout_seconds
        started = time.monotonic()
        error: AdapterError | None = None
        overran = False
        try:
            answer = self.runner.run(_within(limit, call))
        except _Overran:
            overran = True
        except AdapterError as raised:
            error = raised
        except Exception as escaped:
            self.check_network()
            pytest.fail(
                f"{description} raised {type(escaped).__name__}: {escaped}. An "
                "adapter raises only the SDK's errors (adapters.sdk.errors: "
                "InvalidLookup, RecordNotFound, HolderMismatch, PullPending, "
                "IssuerUnavailable), so that the locker can tell the resident "
                "what happened.",
                pytrace=False,
            )
        elapsed = time.monotonic() - started

        self.check_network()
        if overran:
            pytest.fail(
                f"{description} did not finish within the adapter's "
                f"call_timeout_seconds ({limit:g} s); the locker gives up on it "
                "then and answers ISSUER_UNAVAILABLE.",
                pytrace=False,
            )
        if elapsed > limit:
            pytest.fail(
                f"{description} took {elapsed:.1f} s, more than the adapter's "
                f"call_timeout_seconds ({limit:g} s). Is it blocking the event "
                "loop (sleeping, reading a socket synchronously)?",
                pytrace=False,
            )
        if error is not None:
            raise error
        return answer

    def check_network(self) -> None:
        """Fail the test if the adapter tried to reach a host it may not."""
        __tracebackhide__ = True
        if not self.guard.attempts:
            return
        allowed = ", ".join(self.guard.allowed_hosts) or "none"
        refused = "; ".join(str(attempt) for attempt in self.guard.attempts)
        pytest.fail(
            f"{self.adapter.name} tried to use the network during the contract "
            f"tests ({refused}), which allow no host but: {allowed}. Read sample "
            "records from files, or run a test issuer on 127.0.0.1 and list it "
            'in the test class: allowed_hosts = ("127.0.0.1",).',
            pytrace=False,
        )


class _Overran(Exception):
    """The call ran past its timeout (the adapter's own TimeoutError is not this)."""


async def _within(limit: float, call: Callable[[], Awaitable[_Result]]) -> _Result:
    deadline = asyncio.timeout(limit)
    try:
        async with deadline:
            return await call()
    except TimeoutError:
        if deadline.expired():
            raise _Overran from None
        raise
