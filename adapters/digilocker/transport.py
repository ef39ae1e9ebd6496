"""Sending one signed request to an issuer and reading a bounded answer.

Every exchange has a connect timeout, a read timeout (between bytes) and a
total deadline, so an issuer that trickles bytes cannot hold a resident's
request open. The answer is streamed and reading stops as soon as it passes
``max_response_bytes`` (or at once, when ``Content-Length`` says it will).
Redirects are not followed: the request carries the resident's name and date
of birth, and goes only where it was configured to go. Compression is not
asked for (``Accept-Encoding: identity``), so what is counted is what is read.

A client is opened per exchange: the adapter is shared across event loops in
tests and tools, and pulls are rare enough per issuer that a pool buys little.
"""

from __future__ import annotations

import logging

import anyio
import httpx

from adapters.digilocker.config import DigiLockerIssuerConfig
from adapters.digilocker.errors import AnswerInvalid, AnswerProblem
from adapters.digilocker.protocol import SignedRequest
from adapters.sdk import IssuerUnavailable

logger = logging.getLogger(__name__)

_REFUSED_CREDENTIALS = frozenset({401, 403})
_BUSY = frozenset({429})


async def post(
    config: DigiLockerIssuerConfig, url: str, request: SignedRequest
) -> bytes:
    """POST ``request`` to ``url``; the answer's body, at most the configured size.

    Raises ``IssuerUnavailable`` when the issuer cannot be reached, is too slow
    or says it is busy or broken (HTTP 5xx, 429), and ``AnswerInvalid`` when
    it refuses the locker's credentials, answers another HTTP status, or sends
    too much.
    """
    timeout = httpx.Timeout(
        config.read_timeout_seconds, connect=config.connect_timeout_seconds
    )
    headers = {**request.headers, "Accept-Encoding": "identity"}
    try:
        with anyio.fail_after(config.total_timeout_seconds):
            async with (
                httpx.AsyncClient(timeout=timeout, follow_redirects=False) as client,
                client.stream(
                    "POST", url, content=request.body, headers=headers
                ) as response,
            ):
                _check_status(config, response)
                return await _bounded_body(response, config.max_response_bytes)
    except (TimeoutError, httpx.TimeoutException) as error:
        logger.warning(
            "Issuer %s did not answer in time (%s)",
            config.issuer_id,
            type(error).__name__,
        )
        raise IssuerUnavailable(
            f"{config.name} did not answer in time; try again later."
        ) from None
    except httpx.TransportError as error:
        logger.warning(
            "Issuer %s could not be reached (%s)",
            config.issuer_id,
            type(error).__name__,
        )
        raise IssuerUnavailable(
            f"{config.name} could not be reached; try again later."
        ) from None


def _check_status(config: DigiLockerIssuerConfig, response: httpx.Response) -> None:
    status = response.status_code
    if 200 <= status < 300:
        return
    if status >= 500 or status in _BUSY:
        logger.warning("Issuer %s answered HTTP %d", config.issuer_id, status)
        raise IssuerUnavailable(f"{config.name} could not answer; try again later.")
    if status in _REFUSED_CREDENTIALS:
        raise AnswerInvalid(
            AnswerProblem.CREDENTIALS_REFUSED,
            f"HTTP {status}: the issuer refused the API key or org id",
        )
    raise AnswerInvalid(AnswerProblem.HTTP_STATUS, f"HTTP {status}")


async def _bounded_body(response: httpx.Response, max_bytes: int) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise AnswerInvalid(
            AnswerProblem.TOO_LARGE,
            f"Content-Length {declared} is over the {max_bytes}-byte bound",
        )

    body = bytearray()
    async for chunk in response.aiter_bytes():
        body += chunk
        if len(body) > max_bytes:
            # Leaving the stream's block closes the connection unread.
            raise AnswerInvalid(
                AnswerProblem.TOO_LARGE,
                f"the answer passed the {max_bytes}-byte bound",
            )

    return bytes(body)
