"""Linking an Aadhaar number to a resident's account through eKYC.

The number is never stored or logged in clear: the account keeps it sealed
with ``SecretBox`` (bound to the account id), a keyed hash to find it by (one
number, one account) and its last four digits to show it masked.

While a link waits for the resident's OTP, the locker keeps its own record of
it as an ``OtpChallenge`` of purpose ``aadhaar_link``: owned by the account,
found by the keyed hash of the provider's transaction id (in ``code_hash``),
with the sealed number and its hash in the payload. The provider's own
transaction is the provider's business.
"""

from __future__ import annotations

import base64
import logging
import uuid
from collections.abc import Awaitable, Callable
from datetime import timedelta

from stdnum.exceptions import ValidationError
from stdnum.in_ import aadhaar as aadhaar_number
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from adapters.sdk import Gender, Identity
from config.settings import Settings
from models import Account, OtpChallenge
from services.clock import Clock
from services.crypto import SecretBox, keyed_hash, mask_aadhaar
from services.errors import (
    AadhaarAlreadyLinked,
    EkycFailed,
    InvalidAadhaar,
    OtpAlreadyUsed,
    OtpChallengeNotFound,
    OtpExpired,
)
from services.identity.ekyc import EkycProvider, EkycRequest
from services.security_events import ClientInfo, SecurityEventKind, SecurityLog

logger = logging.getLogger(__name__)

AADHAAR_LINK = "aadhaar_link"


class IdentityService:
    """Links a resident's Aadhaar number and answers their verified identity.

    ``start_link`` validates the number and asks the provider to text an OTP
    to the mobile registered with Aadhaar; ``confirm_link`` hands the OTP to
    the provider and stores the number and the identity eKYC confirmed.
    A link is recorded in the resident's ``security`` log, with a notice by
    SMS; without a log (a service built alone, in tests) nothing is recorded.
    """

    def __init__(
        self,
        settings: Settings,
        provider: EkycProvider,
        clock: Clock,
        *,
        security: SecurityLog | None = None,
    ) -> None:
        self.settings = settings
        self.provider = provider
        self.clock = clock
        self.security = security
        self._key = settings.secret_key.get_secret_value().encode()
        self._box = SecretBox.from_base64(settings.aadhaar_key.get_secret_value())
        #: Called with the account once a link is made (pushed documents wait
        #: for it); the container adds them.
        self.after_link: list[Callable[[Account], Awaitable[object]]] = []

    async def start_link(
        self, account: Account, aadhaar: str, *, client_address: str | None = None
    ) -> EkycRequest:
        """Start linking ``aadhaar`` (spaces allowed) to ``account``.

        Raises ``InvalidAadhaar`` for a number that fails the format or the
        Verhoeff check, ``AadhaarAlreadyLinked`` when the account already has
        a number, and whatever the provider raises (``EkycFailed``, or
        ``RateLimited`` when its OTP limits refuse; ``client_address`` is
        passed on for them). A number linked to another account is refused
        only at ``confirm_link``.
        """
        number = _valid_aadhaar(aadhaar)
        if account.aadhaar_hash is not None:
            raise AadhaarAlreadyLinked(
                "Your account already has an Aadhaar number linked."
            )
        # Whether the number is linked elsewhere is told only after the OTP
        # proves the asker holds its mobile: before that it would let anyone
        # learn who has a locker.
        number_hash = self._hash(number)

        request = await self.provider.request_otp(number, client_address=client_address)
        sealed = self._box.encrypt(number.encode(), context=_context(account))
        now = self.clock.now()

        await OtpChallenge.create(
            id=uuid.uuid4(),
            purpose=AADHAAR_LINK,
            mobile=account.mobile,
            code_hash=self._transaction_hash(request.transaction_id),
            created_at=now,
            expires_at=now + self._ttl,
            account=account,
            payload={
                "aadhaar_hash": number_hash,
                "aadhaar_encrypted": base64.b64encode(sealed).decode("ascii"),
            },
        )
        logger.info("Aadhaar link started", extra={"account_id": str(account.id)})

        return request

    async def confirm_link(
        self,
        account: Account,
        transaction_id: str,
        otp: str,
        *,
        client: ClientInfo | None = None,
    ) -> Account:
        """Finish the link ``start_link`` began for this account.

        Raises ``OtpChallengeNotFound`` when the transaction was not started
        from this account, ``OtpAlreadyUsed``/``OtpExpired`` for a finished or
        stale one, the provider's OTP errors, and ``AadhaarAlreadyLinked``
        when the account or the number got linked meanwhile. Answers the
        account with its Aadhaar and verified identity filled in, and records
        the link (from ``client``) with a notice to the account's mobile.
        """
        pending = await self._pending_link(account, transaction_id)
        if account.aadhaar_hash is not None:
            raise AadhaarAlreadyLinked(
                "Your account already has an Aadhaar number linked."
            )
        number, number_hash, sealed = self._number_of(account, pending)

        identity = await self.provider.confirm(transaction_id, otp)
        if (
            await Account.filter(aadhaar_hash=number_hash)
            .exclude(id=account.id)
            .exists()
        ):
            raise _linked_elsewhere()
        now = self.clock.now()
        linked_fields = {
            "aadhaar_encrypted": sealed,
            "aadhaar_hash": number_hash,
            "aadhaar_last4": number[-4:],
            "aadhaar_linked_at": now,
            "verified_name": identity.name,
            "verified_dob": identity.dob,
            "verified_gender": identity.gender.value,
        }

        try:
            async with in_transaction() as connection:
                spent = (
                    await OtpChallenge.filter(id=pending.id, consumed_at__isnull=True)
                    .using_db(connection)
                    .update(verified_at=now, consumed_at=now)
                )
                if not spent:
                    raise OtpAlreadyUsed(
                        "This Aadhaar verification is already finished."
                    )
                linked = (
                    await Account.filter(id=account.id, aadhaar_hash__isnull=True)
                    .using_db(connection)
                    .update(**linked_fields)
                )
                if not linked:
                    raise AadhaarAlreadyLinked(
                        "Your account already has an Aadhaar number linked."
                    )
        except IntegrityError as error:
            # The unique hash index: another account linked this number
            # between our check and this update.
            raise _linked_elsewhere() from error

        for name, value in linked_fields.items():
            setattr(account, name, value)
        logger.info("Aadhaar linked", extra={"account_id": str(account.id)})
        await self._record_link(account, mask_aadhaar(number[-4:]), client)
        for hook in self.after_link:
            await hook(account)

        return account

    def masked_aadhaar(self, account: Account) -> str | None:
        """See the module-level ``masked_aadhaar``."""
        return masked_aadhaar(account)

    def identity_of(self, account: Account) -> Identity | None:
        """See the module-level ``identity_of``."""
        return identity_of(account)

    async def _record_link(
        self, account: Account, masked: str, client: ClientInfo | None
    ) -> None:
        if self.security is None:
            return

        await self.security.record(
            account,
            SecurityEventKind.AADHAAR_LINKED,
            client=client,
            detail=f"Aadhaar {masked}",
            notice=f"Security notice: Aadhaar {masked} was linked to your "
            "openlocker account. If this was not you, reset your password and "
            "tell openlocker support.",
        )

    @property
    def _ttl(self) -> timedelta:
        return timedelta(seconds=self.settings.otp_ttl_seconds)

    async def _pending_link(
        self, account: Account, transaction_id: str
    ) -> OtpChallenge:
        pending = (
            await OtpChallenge.filter(
                purpose=AADHAAR_LINK,
                account_id=account.id,
                code_hash=self._transaction_hash(transaction_id),
            )
            .order_by("-created_at")
            .first()
        )
        if pending is None:
            raise OtpChallengeNotFound(
                "No Aadhaar verification with this transaction was started from "
                "your account; start linking again.",
                field="transactionId",
            )
        if pending.consumed_at is not None:
            raise OtpAlreadyUsed("This Aadhaar verification is already finished.")
        if self.clock.now() >= pending.expires_at:
            raise OtpExpired(
                "This Aadhaar verification has expired; start linking again."
            )

        return pending

    def _number_of(
        self, account: Account, pending: OtpChallenge
    ) -> tuple[str, str, bytes]:
        """The number the pending link was started for: clear, hash, sealed."""
        try:
            sealed = base64.b64decode(pending.payload["aadhaar_encrypted"])
            number = self._box.decrypt(sealed, context=_context(account)).decode()
        except (KeyError, ValueError) as error:
            raise EkycFailed(
                "This Aadhaar verification cannot be finished; start linking again."
            ) from error
        number_hash = self._hash(number)
        if number_hash != pending.payload.get("aadhaar_hash"):
            raise EkycFailed(
                "This Aadhaar verification cannot be finished; start linking again."
            )

        return number, number_hash, sealed

    def aadhaar_hash(self, number: str) -> str:
        """The keyed hash a valid 12-digit number is looked up by."""
        return keyed_hash(self._key, number, purpose="aadhaar")

    def _hash(self, number: str) -> str:
        return self.aadhaar_hash(number)

    def _transaction_hash(self, transaction_id: str) -> str:
        return keyed_hash(self._key, transaction_id, purpose="ekyc-transaction")


def masked_aadhaar(account: Account) -> str | None:
    """The linked number as ``XXXX-XXXX-1234``, or None when none is linked."""
    if account.aadhaar_last4 is None:
        return None

    return mask_aadhaar(account.aadhaar_last4)


def identity_of(account: Account) -> Identity | None:
    """The identity eKYC verified, for matching issuers' holders; None before
    Aadhaar is linked."""
    name, dob, gender = (
        account.verified_name,
        account.verified_dob,
        account.verified_gender,
    )
    if name is None or dob is None or gender is None:
        return None

    return Identity(name=name, dob=dob, gender=Gender(gender))


def _valid_aadhaar(raw: str) -> str:
    """The 12-digit number, or ``InvalidAadhaar``."""
    try:
        return str(aadhaar_number.validate(raw.replace(" ", "")))
    except ValidationError as error:
        raise InvalidAadhaar(
            "That is not a valid Aadhaar number; check the 12 digits on your "
            "Aadhaar card.",
            field="aadhaar",
        ) from error


def _context(account: Account) -> bytes:
    """What a sealed number is bound to: the account it belongs to."""
    return str(account.id).encode()


def _linked_elsewhere() -> AadhaarAlreadyLinked:
    return AadhaarAlreadyLinked(
        "This Aadhaar number is already linked to another account.",
        field="aadhaar",
    )
