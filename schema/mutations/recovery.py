"""Forgot username and forgot password, for residents who cannot sign in."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from resolvers import recovery
from resolvers.context import LockerContext
from schema.errors import Problem, outcome
from schema.types.security import PasswordReset, RecoveryCodeSent, UsernameRecovered

StartUsernameRecoveryResult = Annotated[
    RecoveryCodeSent | Problem,
    strawberry.union(
        "StartUsernameRecoveryResult", description="OTP sent, or why not."
    ),
]

ConfirmUsernameRecoveryResult = Annotated[
    UsernameRecovered | Problem,
    strawberry.union(
        "ConfirmUsernameRecoveryResult", description="The username, or why not."
    ),
]

StartPasswordResetResult = Annotated[
    RecoveryCodeSent | Problem,
    strawberry.union("StartPasswordResetResult", description="OTP sent, or why not."),
]

CompletePasswordResetResult = Annotated[
    PasswordReset | Problem,
    strawberry.union(
        "CompletePasswordResetResult", description="Password set, or why not."
    ),
]

ChallengeId = Annotated[
    strawberry.ID, strawberry.argument(description="From the start step.")
]
Otp = Annotated[
    str, strawberry.argument(description="The 6-digit OTP sent to the mobile.")
]


@strawberry.type(description="Forgot username and forgot password.")
class RecoveryMutations:
    @strawberry.mutation(
        description="Forgot username, step 1: send an OTP to the registered "
        "mobile number. The answer is the same whether or not the number has an "
        "account."
    )
    async def start_username_recovery(
        self,
        info: Info[LockerContext, None],
        mobile: Annotated[
            str,
            strawberry.argument(description="The account's 10-digit mobile number."),
        ],
    ) -> StartUsernameRecoveryResult:
        return await outcome(
            recovery.start_username_recovery(info.context, mobile),
            RecoveryCodeSent.of,
        )

    @strawberry.mutation(
        description="Forgot username, step 2: the OTP, answered by the username."
    )
    async def confirm_username_recovery(
        self, info: Info[LockerContext, None], challenge_id: ChallengeId, otp: Otp
    ) -> ConfirmUsernameRecoveryResult:
        return await outcome(
            recovery.confirm_username_recovery(info.context, challenge_id, otp),
            lambda username: UsernameRecovered(username=username),
        )

    @strawberry.mutation(
        description="Forgot password, step 1: send an OTP to the account's "
        "registered mobile. The answer is the same whether or not the account "
        "exists."
    )
    async def start_password_reset(
        self,
        info: Info[LockerContext, None],
        identifier: Annotated[
            str, strawberry.argument(description="Username or mobile number.")
        ],
    ) -> StartPasswordResetResult:
        return await outcome(
            recovery.start_password_reset(info.context, identifier),
            RecoveryCodeSent.of,
        )

    @strawberry.mutation(
        description="Forgot password, step 2: the OTP and a new password. Every "
        "session of the account is signed out."
    )
    async def complete_password_reset(
        self,
        info: Info[LockerContext, None],
        challenge_id: ChallengeId,
        otp: Otp,
        new_password: Annotated[
            str,
            strawberry.argument(
                description="At least 8 characters, not easy to guess; a "
                "refusal says why."
            ),
        ],
    ) -> CompletePasswordResetResult:
        return await outcome(
            recovery.complete_password_reset(
                info.context, challenge_id, otp, new_password
            ),
            lambda ended: PasswordReset(signed_out_sessions=ended),
        )
