"""The root mutation: every step of the resident's journey."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from resolvers import accounts, documents, identity
from resolvers.context import LockerContext
from schema.errors import Problem, outcome
from schema.types.accounts import (
    AadhaarLinked,
    AadhaarOtpSent,
    LoggedOut,
    OtpSent,
    OtpVerified,
    Resident,
    SessionStarted,
    SignedUp,
)
from schema.types.documents import DocumentPulled, IssuedDocument
from schema.types.issuers import LookupValue

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
PullDocumentResult = Annotated[
    DocumentPulled | Problem,
    strawberry.union(
        "PullDocumentResult", description="The document is in the locker, or why not."
    ),
]


@strawberry.type(description="What can be done.")
class Mutation:
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

    @strawberry.mutation(
        description="Find a document at its issuer and, when it is the resident's, "
        "add its URI to the locker."
    )
    async def pull_document(
        self,
        info: Info[LockerContext, None],
        issuer_id: Annotated[
            str, strawberry.argument(description="Issuer id from `issuers`.")
        ],
        doc_type: Annotated[
            str, strawberry.argument(description="Doc type code from `issuers`.")
        ],
        lookup: Annotated[
            list[LookupValue],
            strawberry.argument(description="Values for the doc type's lookup fields."),
        ],
    ) -> PullDocumentResult:
        values = [(item.name, item.value) for item in lookup]
        return await outcome(
            documents.pull_document(info.context, issuer_id, doc_type, values),
            lambda pulled: DocumentPulled(
                document=IssuedDocument.of(pulled[0]), already_in_locker=not pulled[1]
            ),
        )
