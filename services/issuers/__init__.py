"""How the locker calls issuers: timeouts, retries, a circuit breaker per issuer.

``IssuerCalls`` (``calls``) is the one way services call an adapter's
``find`` and ``fetch``; ``circuits`` holds the breaker it uses.
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
