"""Why a consent refuses a read, or a change: the client errors it raises.

They are defined with every other client error in ``services.errors``.
"""

from __future__ import annotations

from services.errors import (
    ConsentExpired,
    ConsentNotFound,
    ConsentRevoked,
    NotGranted,
    ReadLimitReached,
)

__all__ = [
    "ConsentExpired",
    "ConsentNotFound",
    "ConsentRevoked",
    "NotGranted",
    "ReadLimitReached",
]
