"""Running authlib's synchronous server core beside the asynchronous database.

authlib's ``AuthorizationServer`` and its grants call their hooks
(``query_client``, ``query_authorization_code``, ``save_token`` …) as plain
functions and expect answers, while Tortoise only speaks ``await``. So every
call into authlib runs in a worker thread (``in_worker``), and each hook that
needs the database hands a coroutine back to the event loop and waits for it
(``in_loop``). The loop stays free while the worker waits; the coroutine runs
in the request's context, so Tortoise's connections and transactions behave as
in any other request; and a transaction never spans two hooks.

Prefetching everything before the call would not do: what a hook needs (the
code row, the client, whether the code was already used) depends on the
request authlib is still validating, and the code's single use must be decided
by the database at the moment of exchange.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any, TypeVar, TypeVarTuple, Unpack

import anyio.from_thread
import anyio.to_thread

T = TypeVar("T")
Arguments = TypeVarTuple("Arguments")


async def in_worker(
    function: Callable[[Unpack[Arguments]], T], *arguments: *Arguments
) -> T:
    """Run ``function`` (authlib's synchronous core) in a worker thread."""
    return await anyio.to_thread.run_sync(function, *arguments)


def in_loop(
    function: Callable[[Unpack[Arguments]], Coroutine[Any, Any, T]],
    *arguments: *Arguments,
) -> T:
    """From a worker started by ``in_worker``: await ``function`` on the loop."""
    return anyio.from_thread.run(function, *arguments)
