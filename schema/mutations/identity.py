"""Linking Aadhaar through eKYC."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from resolvers import identity
from resolvers.context import LockerContext
from schema.errors import Problem, outcome
from schema.types.accounts import AadhaarLinked, AadhaarOtpSent, Resident

StartAadhaarLinkResult = Annotated[
    AadhaarOtpSent | Problem,
    strawberry.union("StartAadhaarLinkResult", description="OTP sent, or why not."),
]

ConfirmAadhaarLinkResult = Annotated[
    AadhaarLinked | Problem,
    strawberry.union(
        "ConfirmAadhaarLinkResult", description="Aadhaar linked, or why not."
    ),
]


@strawberry.type(description="Linking Aadhaar through eKYC.")
class IdentityMutations:
    @strawberry.mutation(
        description="Link Aadhaar, step 1: eKYC sends an OTP to the mobile "
        "registered with Aadhaar."
    )
    async def start_aadhaar_link(
        self,
        info: Info[LockerContext, None],
        aadhaar: Annotated[
            str, strawberry.argument(description="12-digit Aadhaar number.")
        ],
    ) -> StartAadhaarLinkResult:
        return await outcome(
            identity.start_aadhaar_link(info.context, aadhaar), AadhaarOtpSent.of
        )

    @strawberry.mutation(
        description="Link Aadhaar, step 2: confirm with the eKYC OTP; the "
        "account's identity becomes the eKYC name, birth date and gender."
    )
    async def confirm_aadhaar_link(
        self,
        info: Info[LockerContext, None],
        transaction_id: Annotated[
            strawberry.ID, strawberry.argument(description="From `startAadhaarLink`.")
        ],
        otp: Annotated[str, strawberry.argument(description="The 6-digit OTP.")],
    ) -> ConfirmAadhaarLinkResult:
        return await outcome(
            identity.confirm_aadhaar_link(info.context, transaction_id, otp),
            lambda account: AadhaarLinked(resident=Resident.of(account)),
        )
