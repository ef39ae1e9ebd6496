"""Residents and the steps of signing up, in and out, and linking Aadhaar."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import strawberry
from strawberry.types import Info

from adapters.sdk import Gender as SdkGender
from models import Account, OtpChallenge
from models import Session as SessionRow
from resolvers import accounts as account_resolvers
from resolvers import consents as consent_resolvers
from resolvers import documents as document_resolvers
from resolvers import security as security_resolvers
from resolvers import uploads as upload_resolvers
from resolvers.context import LockerContext
from schema.errors import as_graphql_error, outcome
from schema.types.consents import (
    ActivityEntryConnection,
    ActivityExportFormat,
    Consent,
    ConsentConnection,
    ConsentResult,
    ConsentStatusValue,
)
from schema.types.documents import IssuedDocumentConnection
from schema.types.security import SecurityEventConnection, SessionInfo
from schema.types.uploads import (
    StorageUsage,
    UploadedDocument,
    UploadedDocumentConnection,
    UploadResult,
)
from services.consents import ConsentStatus
from services.crypto import mask_mobile
from services.errors import LockerError
from services.identity.ekyc import EkycRequest
from services.uploads.service import UploadFilter

Gender = strawberry.enum(
    SdkGender, name="Gender", description="Gender as eKYC gives it."
)


@strawberry.type(description="An OTP is on its way to the mobile number.")
class OtpSent:
    challenge_id: strawberry.ID = strawberry.field(
        description="Send back with the OTP in the next step."
    )
    sent_to: str = strawberry.field(description="The mobile number, masked.")
    expires_at: datetime = strawberry.field(description="When the OTP stops working.")

    @classmethod
    def of(cls, challenge: OtpChallenge) -> OtpSent:
        return cls(
            challenge_id=strawberry.ID(str(challenge.id)),
            sent_to=mask_mobile(challenge.mobile),
            expires_at=challenge.expires_at,
        )


@strawberry.type(description="The OTP was right; go on to the next step.")
class OtpVerified:
    challenge_id: strawberry.ID = strawberry.field(description="The same request.")


@strawberry.type(description="The identity Aadhaar eKYC confirmed.")
class VerifiedIdentity:
    name: str = strawberry.field(description="Name as in Aadhaar.")
    date_of_birth: date = strawberry.field(description="Date of birth as in Aadhaar.")
    gender: Gender = strawberry.field(  # type: ignore[valid-type]
        description="Gender as in Aadhaar."
    )


@strawberry.type(description="A resident: the signed-in account.")
class Resident:
    username: str = strawberry.field(description="The chosen username.")
    mobile: str = strawberry.field(description="The registered mobile number.")
    created_at: datetime = strawberry.field(description="When the account was made.")
    aadhaar: str | None = strawberry.field(
        description="The linked Aadhaar number, masked (`XXXX-XXXX-1234`)."
    )
    verified_identity: VerifiedIdentity | None = strawberry.field(
        description="Name, date of birth and gender from eKYC, once Aadhaar is linked."
    )
    account: strawberry.Private[Account]

    @classmethod
    def of(cls, account: Account) -> Resident:
        identity = None
        if account.verified_name and account.verified_dob and account.verified_gender:
            identity = VerifiedIdentity(
                name=account.verified_name,
                date_of_birth=account.verified_dob,
                gender=SdkGender(account.verified_gender),
            )
        return cls(
            username=account.username,
            mobile=account.mobile,
            created_at=account.created_at,
            aadhaar=account_resolvers.masked_aadhaar(account),
            verified_identity=identity,
            account=account,
        )

    @strawberry.field(
        description="Documents issuers issued to the resident; null, with an "
        "error whose `extensions.code` is INVALID_CURSOR or INVALID_ARGUMENT, "
        "when `after` or `first` is not valid."
    )
    async def issued_documents(
        self,
        info: Info[LockerContext, None],
        first: Annotated[
            int, strawberry.argument(description="How many, at most 100.")
        ] = 20,
        after: Annotated[
            str | None, strawberry.argument(description="Continue after this cursor.")
        ] = None,
    ) -> IssuedDocumentConnection | None:
        try:
            page = await document_resolvers.issued_documents(
                info.context, self.account, first, after
            )
        except LockerError as error:
            raise as_graphql_error(error) from error

        return IssuedDocumentConnection.of(page)

    @strawberry.field(
        description="The resident's latest sessions (at most 50), newest first, "
        "signed-out ones included."
    )
    async def sessions(self, info: Info[LockerContext, None]) -> list[SessionInfo]:
        views = await security_resolvers.sessions(info.context, self.account)
        return [SessionInfo.of(view) for view in views]

    @strawberry.field(
        description="The account's security log, newest first; null, with an "
        "error whose `extensions.code` is INVALID_CURSOR or INVALID_ARGUMENT, "
        "when `after` or `first` is not valid."
    )
    async def security_events(
        self,
        info: Info[LockerContext, None],
        first: Annotated[
            int, strawberry.argument(description="How many, at most 100.")
        ] = 20,
        after: Annotated[
            str | None, strawberry.argument(description="Continue after this cursor.")
        ] = None,
    ) -> SecurityEventConnection | None:
        try:
            page = await security_resolvers.security_events(
                info.context, self.account, first, after
            )
        except LockerError as error:
            raise as_graphql_error(error) from error

        return SecurityEventConnection.of(page)

    @strawberry.field(
        description="The resident's storage for their own files: used, quota, "
        "left, and the largest file allowed."
    )
    async def storage(self, info: Info[LockerContext, None]) -> StorageUsage:
        return StorageUsage.of(
            await upload_resolvers.storage(info.context, self.account)
        )

    @strawberry.field(
        description="Files the resident uploaded or eSigned, newest first, "
        "filtered by whichever arguments are given; null, with an error whose "
        "`extensions.code` is INVALID_CURSOR or INVALID_ARGUMENT, when `after` "
        "or `first` is not valid."
    )
    async def uploads(
        self,
        info: Info[LockerContext, None],
        first: Annotated[
            int, strawberry.argument(description="How many, at most 100.")
        ] = 20,
        after: Annotated[
            str | None, strawberry.argument(description="Continue after this cursor.")
        ] = None,
        folder: Annotated[
            str | None,
            strawberry.argument(
                description="Only files in this folder (not its subfolders); "
                "empty for the top level."
            ),
        ] = None,
        doc_type: Annotated[
            str | None, strawberry.argument(description="Only files of this doc type.")
        ] = None,
        content_type: Annotated[
            str | None,
            strawberry.argument(
                description="Only files of this type, e.g. `application/pdf`."
            ),
        ] = None,
        self_attested: Annotated[
            bool | None,
            strawberry.argument(
                description="Only eSigned copies (true), or only the others (false)."
            ),
        ] = None,
        name_contains: Annotated[
            str | None,
            strawberry.argument(
                description="Only files whose name contains this, in any case."
            ),
        ] = None,
    ) -> UploadedDocumentConnection | None:
        where = UploadFilter(
            folder=folder,
            doc_type=doc_type,
            content_type=content_type,
            self_attested=self_attested,
            name_contains=name_contains,
        )
        try:
            page = await upload_resolvers.uploads(
                info.context, self.account, first, after, where
            )
        except LockerError as error:
            raise as_graphql_error(error) from error

        return UploadedDocumentConnection.of(page)

    @strawberry.field(
        description="The folders the resident's files are in, sorted; the top "
        "level is the empty string."
    )
    async def upload_folders(self, info: Info[LockerContext, None]) -> list[str]:
        return await upload_resolvers.upload_folders(info.context, self.account)

    @strawberry.field(description="One of the resident's files.")
    async def upload(
        self,
        info: Info[LockerContext, None],
        id: Annotated[strawberry.ID, strawberry.argument(description="The file's id.")],
    ) -> UploadResult:
        return await outcome(
            upload_resolvers.upload(info.context, self.account, id),
            UploadedDocument.of,
        )

    @strawberry.field(
        description="The consents the resident gave requesters, newest first; "
        "null, with an error whose `extensions.code` is INVALID_CURSOR or "
        "INVALID_ARGUMENT, when `after` or `first` is not valid."
    )
    async def consents(
        self,
        info: Info[LockerContext, None],
        first: Annotated[
            int, strawberry.argument(description="How many, at most 100.")
        ] = 20,
        after: Annotated[
            str | None, strawberry.argument(description="Continue after this cursor.")
        ] = None,
        status: Annotated[
            ConsentStatusValue | None,
            strawberry.argument(description="Only consents that stand so now."),
        ] = None,
    ) -> ConsentConnection | None:
        wanted = None if status is None else ConsentStatus[status.name]
        try:
            page = await consent_resolvers.consents(
                info.context, self.account, first, after, wanted
            )
        except LockerError as error:
            raise as_graphql_error(error) from error

        return ConsentConnection.of(page)

    @strawberry.field(description="One of the resident's consents.")
    async def consent(
        self,
        info: Info[LockerContext, None],
        id: Annotated[
            strawberry.ID, strawberry.argument(description="The consent's id.")
        ],
    ) -> ConsentResult:
        return await outcome(
            consent_resolvers.consent(info.context, self.account, id), Consent.of
        )

    @strawberry.field(
        description="The resident's activity log: every read by a requester "
        "and every change to a consent, newest first; null, with an error whose "
        "`extensions.code` is INVALID_CURSOR or INVALID_ARGUMENT, when `after` "
        "or `first` is not valid."
    )
    async def activity(
        self,
        info: Info[LockerContext, None],
        first: Annotated[
            int, strawberry.argument(description="How many, at most 100.")
        ] = 20,
        after: Annotated[
            str | None, strawberry.argument(description="Continue after this cursor.")
        ] = None,
    ) -> ActivityEntryConnection | None:
        try:
            page = await consent_resolvers.activity(
                info.context, self.account, first, after
            )
        except LockerError as error:
            raise as_graphql_error(error) from error

        return ActivityEntryConnection.of(page)

    @strawberry.field(
        description="The whole activity log, oldest first, as one JSON or CSV "
        "text. The JSON keeps every entry's hash and the fields it covers, so "
        "anyone can check the chain."
    )
    async def activity_export(
        self,
        info: Info[LockerContext, None],
        format: Annotated[
            ActivityExportFormat, strawberry.argument(description="JSON or CSV.")
        ] = ActivityExportFormat.JSON,
    ) -> str:
        return await consent_resolvers.activity_export(
            info.context, self.account, as_csv=format is ActivityExportFormat.CSV
        )


@strawberry.type(description="The account exists; sign in with its username.")
class SignedUp:
    username: str = strawberry.field(description="The new account's username.")


@strawberry.type(description="A session began.")
class SessionStarted:
    token: str = strawberry.field(
        description="Send as `Authorization: Bearer <token>`; shown only once."
    )
    expires_at: datetime = strawberry.field(
        description="The session ends at this time at the latest."
    )
    idle_timeout_seconds: int = strawberry.field(
        description="The session ends after this long without a request."
    )
    resident: Resident = strawberry.field(description="Who signed in.")

    @classmethod
    def of(cls, session: SessionRow, token: str, idle_seconds: int) -> SessionStarted:
        return cls(
            token=token,
            expires_at=session.expires_at,
            idle_timeout_seconds=idle_seconds,
            resident=Resident.of(session.account),
        )


@strawberry.type(description="The session ended.")
class LoggedOut:
    ok: bool = strawberry.field(default=True, description="Always true.")


@strawberry.type(description="eKYC sent an OTP to the mobile registered with Aadhaar.")
class AadhaarOtpSent:
    transaction_id: strawberry.ID = strawberry.field(
        description="Send back with the OTP to confirm."
    )
    sent_to: str = strawberry.field(description="The Aadhaar mobile, masked.")

    @classmethod
    def of(cls, request: EkycRequest) -> AadhaarOtpSent:
        return cls(
            transaction_id=strawberry.ID(request.transaction_id),
            sent_to=request.masked_mobile,
        )


@strawberry.type(description="Aadhaar is linked; the identity is verified.")
class AadhaarLinked:
    resident: Resident = strawberry.field(description="The resident, now verified.")
