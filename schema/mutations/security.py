"""What a signed-in resident changes about their account, down to closing it."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from resolvers import security
from resolvers.context import LockerContext
from schema.errors import Problem, outcome
from schema.types.accounts import OtpSent
from schema.types.security import (
    AccountClosed,
    MobileChanged,
    MobileChangeStarted,
    OtherSessionsEnded,
    PasswordChanged,
    SessionEnded,
    SessionInfo,
)

ChangePasswordResult = Annotated[
    PasswordChanged | Problem,
    strawberry.union("ChangePasswordResult", description="Password set, or why not."),
]

StartMobileChangeResult = Annotated[
    MobileChangeStarted | Problem,
    strawberry.union("StartMobileChangeResult", description="OTPs sent, or why not."),
]

ConfirmMobileChangeResult = Annotated[
    MobileChanged | Problem,
    strawberry.union(
        "ConfirmMobileChangeResult", description="Mobile changed, or why not."
    ),
]

EndSessionResult = Annotated[
    SessionEnded | Problem,
    strawberry.union("EndSessionResult", description="Session ended, or why not."),
]

EndOtherSessionsResult = Annotated[
    OtherSessionsEnded | Problem,
    strawberry.union(
        "EndOtherSessionsResult", description="Sessions ended, or why not."
    ),
]

StartAccountClosureResult = Annotated[
    OtpSent | Problem,
    strawberry.union("StartAccountClosureResult", description="OTP sent, or why not."),
]

ConfirmAccountClosureResult = Annotated[
    AccountClosed | Problem,
    strawberry.union(
        "ConfirmAccountClosureResult", description="Account closed, or why not."
    ),
]

NewPassword = Annotated[
    str,
    strawberry.argument(
        description="At least 8 characters, not easy to guess; a refusal says why."
    ),
]


@strawberry.type(
    description="Password, mobile number, sessions and closing the account of "
    "the signed-in resident."
)
class SecurityMutations:
    @strawberry.mutation(
        description="Change the password. Every other session is signed out; "
        "this one stays."
    )
    async def change_password(
        self,
        info: Info[LockerContext, None],
        current_password: Annotated[
            str, strawberry.argument(description="The password in use now.")
        ],
        new_password: NewPassword,
    ) -> ChangePasswordResult:
        return await outcome(
            security.change_password(info.context, current_password, new_password),
            lambda ended: PasswordChanged(signed_out_sessions=ended),
        )

    @strawberry.mutation(
        description="Change the mobile number, step 1: send an OTP to the "
        "current number and another to the new one."
    )
    async def start_mobile_change(
        self,
        info: Info[LockerContext, None],
        new_mobile: Annotated[
            str, strawberry.argument(description="The new 10-digit mobile number.")
        ],
    ) -> StartMobileChangeResult:
        return await outcome(
            security.start_mobile_change(info.context, new_mobile),
            lambda challenges: MobileChangeStarted.of(*challenges),
        )

    @strawberry.mutation(
        description="Change the mobile number, step 2: both OTPs. Every other "
        "session is signed out; this one stays."
    )
    async def confirm_mobile_change(
        self,
        info: Info[LockerContext, None],
        challenge_id: Annotated[
            strawberry.ID, strawberry.argument(description="From `startMobileChange`.")
        ],
        current_mobile_otp: Annotated[
            str,
            strawberry.argument(description="The OTP sent to the current number."),
        ],
        new_mobile_otp: Annotated[
            str, strawberry.argument(description="The OTP sent to the new number.")
        ],
    ) -> ConfirmMobileChangeResult:
        return await outcome(
            security.confirm_mobile_change(
                info.context, challenge_id, current_mobile_otp, new_mobile_otp
            ),
            lambda changed: MobileChanged(
                mobile=changed[0].mobile, signed_out_sessions=changed[1]
            ),
        )

    @strawberry.mutation(
        description="Sign out one of the resident's sessions (see `me.sessions`); "
        "its token stops working at once."
    )
    async def end_session(
        self,
        info: Info[LockerContext, None],
        session_id: Annotated[
            strawberry.ID, strawberry.argument(description="The session's `id`.")
        ],
    ) -> EndSessionResult:
        return await outcome(
            security.end_session(info.context, session_id),
            lambda view: SessionEnded(session=SessionInfo.of(view)),
        )

    @strawberry.mutation(
        description="Sign out every session of the resident but this one."
    )
    async def end_other_sessions(
        self, info: Info[LockerContext, None]
    ) -> EndOtherSessionsResult:
        return await outcome(
            security.end_other_sessions(info.context),
            lambda ended: OtherSessionsEnded(signed_out_sessions=ended),
        )

    @strawberry.mutation(
        description="Close the account, step 1: send an OTP to the registered "
        "mobile to confirm."
    )
    async def start_account_closure(
        self, info: Info[LockerContext, None]
    ) -> StartAccountClosureResult:
        return await outcome(security.start_account_closure(info.context), OtpSent.of)

    @strawberry.mutation(
        description="Close the account, step 2: the OTP. The account and its "
        "data are deleted for good; only the fact that it existed, and when, is "
        "kept."
    )
    async def confirm_account_closure(
        self,
        info: Info[LockerContext, None],
        challenge_id: Annotated[
            strawberry.ID,
            strawberry.argument(description="From `startAccountClosure`."),
        ],
        otp: Annotated[
            str, strawberry.argument(description="The 6-digit OTP sent to the mobile.")
        ],
    ) -> ConfirmAccountClosureResult:
        return await outcome(
            security.confirm_account_closure(info.context, challenge_id, otp),
            AccountClosed.of,
        )
