"""Sign-up, sign-in and sign-out."""

from __future__ import annotations

import uuid

from models import Account, OtpChallenge, Session
from resolvers.context import LockerContext, client_address
from services.errors import NotAuthenticated, OtpChallengeNotFound
from services.identity import aadhaar


def _challenge_id(raw: str) -> uuid.UUID:
    try:
        return uuid.UUID(raw)
    except ValueError as error:
        raise OtpChallengeNotFound(
            "There is no such code request; ask for a new code."
        ) from error


async def start_sign_up(context: LockerContext, mobile: str) -> OtpChallenge:
    challenge_id = await context.services.accounts.start_sign_up(mobile)
    return await OtpChallenge.get(id=challenge_id)


async def verify_sign_up(context: LockerContext, challenge_id: str, otp: str) -> None:
    await context.services.accounts.verify_sign_up(_challenge_id(challenge_id), otp)


async def complete_sign_up(
    context: LockerContext, challenge_id: str, username: str, password: str
) -> Account:
    return await context.services.accounts.complete_sign_up(
        _challenge_id(challenge_id), username, password
    )


async def log_in(
    context: LockerContext, identifier: str, password: str
) -> tuple[Session, str]:
    request = context.request
    return await context.services.accounts.log_in(
        identifier,
        password,
        client_address=client_address(request),
        user_agent=request.headers.get("user-agent", "")[:256],
    )


async def log_out(context: LockerContext) -> None:
    token = context.token
    if token is None:
        raise NotAuthenticated("There is no session to end: no token was sent.")
    await context.resident()
    await context.services.accounts.log_out(token)


async def me(context: LockerContext) -> Account:
    return await context.resident()


def masked_aadhaar(account: Account) -> str | None:
    return aadhaar.masked_aadhaar(account)
