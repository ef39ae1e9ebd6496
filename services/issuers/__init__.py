"""Issuers, seen from the locker: calling them, and what they send it.

``IssuerCalls`` (``calls``) is the one way services call an adapter's
``find`` and ``fetch``, with timeouts, retries and a circuit breaker per
issuer (``circuits``). ``pushes`` applies the URIs issuers push into
residents' lockers; ``tokens`` holds issuers' API tokens. Those two are
imported from their modules (they build on the locker, which builds on this).
"""

from services.issuers.calls import CallPolicy, IssuerCalls, IssuerTimedOut
from services.issuers.circuits import (
    Circuit,
    CircuitPolicy,
    CircuitState,
    IssuerResting,
)

__all__ = [
    "CallPolicy",
    "Circuit",
    "CircuitPolicy",
    "CircuitState",
    "IssuerCalls",
    "IssuerResting",
    "IssuerTimedOut",
]
