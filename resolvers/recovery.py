"""Forgot username and forgot password: no session needed."""

from __future__ import annotations

from models import OtpChallenge
from resolvers.context import LockerContext


async def start_username_recovery(context: LockerContext, mobile: str) -> OtpChallenge:
    return await context.services.recovery.start_username_recovery(
        mobile, client=context.client
    )


async def confirm_username_recovery(
    context: LockerContext, challenge_id: str, otp: str
) -> str:
    return await context.services.recovery.confirm_username_recovery(
        challenge_id, otp, client=context.client
    )


async def start_password_reset(context: LockerContext, identifier: str) -> OtpChallenge:
    return await context.services.recovery.start_password_reset(
        identifier, client=context.client
    )


async def complete_password_reset(
    context: LockerContext, challenge_id: str, otp: str, new_password: str
) -> int:
    return await context.services.recovery.complete_password_reset(
        challenge_id, otp, new_password, client=context.client
    )
