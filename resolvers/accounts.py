"""Sign-up, sign-in and sign-out."""

from __future__ import annotations

import uuid

from models import Account, OtpChallenge, Session
from resolvers.context import LockerContext, client_address, client_info
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
    challenge_id = await context.services.accounts.start_sign_up(
        mobile, client_address=client_address(context.request)
    )
    return await OtpChallenge.get(id=challenge_id)


async def verify_sign_up(context: LockerContext, challenge_id: str, otp: str) -> None:
    await context.services.accounts.verify_sign_up(_challenge_id(challenge_id), otp)


async def complete_sign_up(
    context: LockerContext, challenge_id: str, username: str, password: str
) -> Account:
    return await context.services.accounts.complete_sign_up(
        _challenge_id(challenge_id),
        username,
        password,
        client=client_info(context.request),
    )


async def log_in(
    context: LockerContext, identifier: str, password: str
) -> tuple[Session, str]:
    client = client_info(context.request)
    return await context.services.accounts.log_in(
        identifier,
        password,
        client_address=client.address,
        user_agent=client.user_agent,
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
