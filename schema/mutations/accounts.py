"""Sign-up, sign-in and sign-out."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from resolvers import accounts
from resolvers.context import LockerContext
from schema.errors import Problem, outcome
from schema.types.accounts import (
    LoggedOut,
    OtpSent,
    OtpVerified,
    SessionStarted,
    SignedUp,
)

StartSignUpResult = Annotated[
    OtpSent | Problem,
    strawberry.union("StartSignUpResult", description="OTP sent, or why not."),
]

VerifySignUpResult = Annotated[
    OtpVerified | Problem,
    strawberry.union("VerifySignUpResult", description="OTP right, or why not."),
]

CompleteSignUpResult = Annotated[
    SignedUp | Problem,
    strawberry.union("CompleteSignUpResult", description="Account made, or why not."),
]

LogInResult = Annotated[
    SessionStarted | Problem,
    strawberry.union("LogInResult", description="A session, or why not."),
]

LogOutResult = Annotated[
    LoggedOut | Problem,
    strawberry.union("LogOutResult", description="Session ended, or why not."),
]


@strawberry.type(description="Sign-up, sign-in and sign-out.")
class AccountMutations:
    @strawberry.mutation(
        description="Sign-up, step 1: send an OTP to a mobile number. The answer "
        "is the same whether or not the number has an account."
    )
    async def start_sign_up(
        self,
        info: Info[LockerContext, None],
        mobile: Annotated[
            str, strawberry.argument(description="10-digit Indian mobile number.")
        ],
    ) -> StartSignUpResult:
        return await outcome(accounts.start_sign_up(info.context, mobile), OtpSent.of)

    @strawberry.mutation(description="Sign-up, step 2: check the OTP.")
    async def verify_sign_up(
        self,
        info: Info[LockerContext, None],
        challenge_id: Annotated[
            strawberry.ID, strawberry.argument(description="From `startSignUp`.")
        ],
        otp: Annotated[str, strawberry.argument(description="The 6-digit OTP.")],
    ) -> VerifySignUpResult:
        return await outcome(
            accounts.verify_sign_up(info.context, challenge_id, otp),
            lambda _: OtpVerified(challenge_id=challenge_id),
        )

    @strawberry.mutation(description="Sign-up, step 3: choose username and password.")
    async def complete_sign_up(
        self,
        info: Info[LockerContext, None],
        challenge_id: Annotated[
            strawberry.ID, strawberry.argument(description="From `startSignUp`.")
        ],
        username: Annotated[
            str,
            strawberry.argument(
                description="3 to 32 characters: lower-case letters, digits, dot "
                "and underscore, starting with a letter."
            ),
        ],
        password: Annotated[
            str, strawberry.argument(description="At least 8 characters.")
        ],
    ) -> CompleteSignUpResult:
        return await outcome(
            accounts.complete_sign_up(info.context, challenge_id, username, password),
            lambda account: SignedUp(username=account.username),
        )

    @strawberry.mutation(description="Sign in with username or mobile and password.")
    async def log_in(
        self,
        info: Info[LockerContext, None],
        identifier: Annotated[
            str, strawberry.argument(description="Username or mobile number.")
        ],
        password: Annotated[str, strawberry.argument(description="The password.")],
    ) -> LogInResult:
        idle = info.context.services.settings.session_idle_seconds
        return await outcome(
            accounts.log_in(info.context, identifier, password),
            lambda started: SessionStarted.of(started[0], started[1], idle),
        )

    @strawberry.mutation(description="End the session whose token is sent.")
    async def log_out(self, info: Info[LockerContext, None]) -> LogOutResult:
        return await outcome(accounts.log_out(info.context), lambda _: LoggedOut())
