"""Closing an account: the resident's data erased, a bare record kept.

The resident asks with ``start``, which texts a code to the registered mobile,
and confirms with ``confirm``. Then, in one database transaction, every
*eraser* deletes one kind of the account's data, the account row itself is
deleted (it holds the username, mobile, password hash, and the Aadhaar link:
the sealed number, its lookup hash and the verified identity), and a
``ClosedAccount`` row keeps only the account id and when it was opened and
closed. Work outside the database, such as forgetting the cached renditions
of the account's issued documents, runs once the transaction has committed,
so a failed closure leaves everything as it was.

Adding a kind of personal data (uploaded files, consents, ...) means adding
its eraser to ``default_erasers``: that list is the one place erasure is
defined. An eraser is an async callable taking the ``Erasure`` in progress; it
deletes its rows through ``erasure.connection``, counts them in
``erasure.deleted``, and appends to ``erasure.after_commit`` whatever must
happen outside the database.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import DoesNotExist
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from models import (
    Account,
    ActivityEntry,
    ClosedAccount,
    IssuedDocument,
    OtpChallenge,
    SecurityEvent,
    Session,
    UploadedDocument,
)
from services.clock import Clock
from services.errors import OtpAlreadyUsed
from services.locker import Locker
from services.otp import OtpService
from services.sms import SmsSender
from services.uploads.service import UploadService

logger = logging.getLogger(__name__)

CLOSE_ACCOUNT = "close_account"

AfterCommit = Callable[[], Awaitable[None]]


@dataclass
class Erasure:
    """One account's erasure in progress, handed to each eraser in turn."""

    account: Account
    connection: BaseDBAsyncClient
    deleted: dict[str, int] = field(default_factory=dict)
    after_commit: list[AfterCommit] = field(default_factory=list)


Eraser = Callable[[Erasure], Awaitable[None]]


async def erase_sessions(erasure: Erasure) -> None:
    """Every session, open or ended, with its address and browser."""
    erasure.deleted["sessions"] = (
        await Session.filter(account_id=erasure.account.id)
        .using_db(erasure.connection)
        .delete()
    )


async def erase_otp_challenges(erasure: Erasure) -> None:
    """Every OTP challenge of the account or sent to its mobile number.

    Those include pending Aadhaar links, whose payload holds the sealed
    number, and the sign-up challenge, which holds the mobile.
    """
    account = erasure.account
    erasure.deleted["otp_challenges"] = (
        await OtpChallenge.filter(Q(account_id=account.id) | Q(mobile=account.mobile))
        .using_db(erasure.connection)
        .delete()
    )


async def erase_security_events(erasure: Erasure) -> None:
    """The security log: sign-ins, changes, addresses and browsers."""
    erasure.deleted["security_events"] = (
        await SecurityEvent.filter(account_id=erasure.account.id)
        .using_db(erasure.connection)
        .delete()
    )


async def erase_activity_log(erasure: Erasure) -> None:
    """The activity log: which requesters read what, and consent changes."""
    erasure.deleted["activity_entries"] = (
        await ActivityEntry.filter(account_id=erasure.account.id)
        .using_db(erasure.connection)
        .delete()
    )


def issued_document_eraser(locker: Locker) -> Eraser:
    """The references to issued documents, then their cached renditions."""

    async def erase_issued_documents(erasure: Erasure) -> None:
        documents = IssuedDocument.filter(account_id=erasure.account.id).using_db(
            erasure.connection
        )
        uris = await documents.values_list("uri", flat=True)
        erasure.deleted["issued_documents"] = await documents.delete()

        async def forget() -> None:
            await locker.forget_renditions(str(uri) for uri in uris)

        erasure.after_commit.append(forget)

    return erase_issued_documents


def upload_eraser(uploads: UploadService) -> Eraser:
    """The resident's uploaded files: rows now, stored objects after commit."""

    async def erase_uploads(erasure: Erasure) -> None:
        documents = UploadedDocument.filter(account_id=erasure.account.id).using_db(
            erasure.connection
        )
        keys = [
            str(key) for key in await documents.values_list("object_key", flat=True)
        ]
        erasure.deleted["uploads"] = await documents.delete()

        async def forget() -> None:
            for key in keys:
                try:
                    await uploads.objects.delete(key)
                except Exception:
                    # The account is closed either way; the encrypted object is
                    # unreadable without its deleted wrapped key.
                    logger.exception("could not delete a closed account's file")

        erasure.after_commit.append(forget)

    return erase_uploads


def default_erasers(locker: Locker, uploads: UploadService) -> list[Eraser]:
    """Every kind of data an account holds besides its own row, in order.

    The account row is deleted after all of these, since each refers to it.
    """
    return [
        erase_sessions,
        erase_otp_challenges,
        erase_security_events,
        erase_activity_log,
        issued_document_eraser(locker),
        upload_eraser(uploads),
    ]


class AccountClosure:
    """Closes accounts on their resident's confirmed word."""

    def __init__(
        self,
        otp: OtpService,
        sms: SmsSender,
        clock: Clock,
        *,
        erasers: Sequence[Eraser],
    ) -> None:
        self.otp = otp
        self.sms = sms
        self.clock = clock
        self.erasers = list(erasers)

    async def start(
        self, account: Account, *, client_address: str | None = None
    ) -> OtpChallenge:
        """Text the account's mobile a code that confirms closing it.

        Raises ``RateLimited`` as ``OtpService.issue`` does.
        """
        minutes = max(1, self.otp.settings.otp_ttl_seconds // 60)

        return await self.otp.issue(
            CLOSE_ACCOUNT,
            account.mobile,
            account=account,
            client_address=client_address,
            text="{code} is your openlocker code to CLOSE your account and delete "
            f"its data for good. It is valid for {minutes} minutes. If you did "
            "not ask for this, change your password now.",
        )

    async def confirm(
        self, account: Account, challenge_id: uuid.UUID | str, code: str
    ) -> ClosedAccount:
        """Erase the account once the code is right; answer what is kept.

        Raises the OTP errors, and ``OtpChallengeNotFound`` for a closure
        this account did not start (or started before its number changed).
        """
        challenge = await self.otp.verify_for(
            account, challenge_id, code, purpose=CLOSE_ACCOUNT
        )
        mobile = account.mobile
        now = self.clock.now()

        async with in_transaction() as connection:
            erasure = Erasure(account=account, connection=connection)
            await self._consume(challenge, connection)
            for eraser in self.erasers:
                await eraser(erasure)
            await Account.filter(id=account.id).using_db(connection).delete()
            closed = await ClosedAccount.create(
                id=account.id,
                created_at=account.created_at,
                closed_at=now,
                using_db=connection,
            )
        logger.info(
            "account closed",
            extra={"account_id": str(account.id), "deleted": erasure.deleted},
        )

        await self._after_commit(erasure)
        await self.sms.send(
            mobile,
            "Your openlocker account is closed and its data deleted. This number "
            "can sign up again at any time.",
        )

        return closed

    async def _consume(
        self, challenge: OtpChallenge, connection: BaseDBAsyncClient
    ) -> None:
        """Spend the code, so that of two confirmations racing one closes."""
        try:
            await self.otp.consume(challenge, using_db=connection)
        except DoesNotExist as error:
            # The other confirmation closed the account, challenge and all.
            raise OtpAlreadyUsed(
                "This account is already closed.", field="otp"
            ) from error

    async def _after_commit(self, erasure: Erasure) -> None:
        """Run the erasers' work outside the database; the closure stands anyway.

        A failure here is logged for an operator to repeat, not raised: the
        account is already gone, and the resident must hear that it is.
        """
        for step in erasure.after_commit:
            try:
                await step()
            except Exception:
                logger.exception(
                    "erasure step after closing failed",
                    extra={"account_id": str(erasure.account.id)},
                )
