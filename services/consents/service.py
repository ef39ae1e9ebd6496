"""Residents' consents to requesters: granting, listing, revoking, and every read.

A consent names one requester, one of the purposes it declared, the documents
of the resident's locker it may read and in which forms, a time window and,
optionally, a number of reads. The locker signs it as an *artefact* (see
``services.consents.artefact``) when it is granted.

``authorize_read`` is the one place that decides whether a requester may read:
every other layer asks it. A read is counted by a conditional ``UPDATE``
(``status = 'active' AND reads < max_reads``), so the database decides between
concurrent reads from any number of processes and a revocation takes effect
on the very next read. Every change and every read is appended to the
resident's activity log in the same transaction as the change or count, so
neither is ever kept without the other.

The resident is texted on a grant, a revocation and the first read under a
consent. A notice goes out after the change is committed; one that cannot be
delivered is logged and does not undo the change.

A consent whose time ran out is marked expired (and logged, once) by whoever
meets it first: a read, the resident's list or the consent itself.
"""

from __future__ import annotations

import enum
import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from tortoise.expressions import F, Q
from tortoise.transactions import in_transaction

from config.settings import Settings
from models import Account, Consent, Requester
from services.activity import ActivityKind, ActivityLog, DetailValue, DocumentForm
from services.clock import Clock
from services.consents import notices
from services.consents.artefact import artefact_claims, sign_artefact
from services.consents.artefact import verify_artefact as verify_signed
from services.consents.errors import (
    ConsentExpired,
    ConsentNotFound,
    ConsentRevoked,
    NotGranted,
    ReadLimitReached,
)
from services.consents.grants import (
    GrantedDocuments,
    check_doc_types,
    check_requester,
    check_terms,
    checked_documents,
    declared_purpose,
    held_doc_types,
)
from services.consents.keys import ConsentKeyStore
from services.consents.notices import local_time
from services.errors import SmsDeliveryFailed
from services.paging import decode_cursor, encode_cursor
from services.sms import SmsSender

logger = logging.getLogger(__name__)


class ConsentStatus(enum.StrEnum):
    """Where a consent stands: only an active one lets anything be read."""

    ACTIVE = "active"
    REVOKED = "revoked"
    EXPIRED = "expired"


@dataclass(frozen=True)
class ConsentPage:
    """One page of a resident's consents, newest first."""

    items: list[Consent]
    cursors: list[str]
    end_cursor: str | None
    has_next_page: bool
    total_count: int


class ConsentService:
    """Grants, lists, revokes and checks residents' consents to requesters."""

    def __init__(
        self,
        settings: Settings,
        clock: Clock,
        sms: SmsSender,
        activity: ActivityLog,
        keys: ConsentKeyStore,
    ) -> None:
        self._clock = clock
        self._sms = sms
        self._activity = activity
        self._keys = keys
        self._issuer = settings.base_url
        self.longest = timedelta(days=settings.consent_max_days)

    # -- granting and denying ----------------------------------------------

    async def grant(
        self,
        account: Account,
        requester: Requester,
        *,
        purpose_code: str,
        documents: GrantedDocuments,
        valid_for: timedelta,
        max_reads: int | None,
    ) -> Consent:
        """Record, sign and log what the resident allowed; text them a notice.

        ``documents`` pairs each URI with its forms (``metadata``, ``xml``,
        ``pdf``). Raises ``InvalidArgument`` for an inactive requester, an
        undeclared purpose or doc type, bad forms, an empty grant (use
        ``deny``), a duration over the longest allowed or a read limit below
        one, and ``DocumentNotFound`` for a URI not in the resident's locker.
        Nothing is kept then.
        """
        check_requester(requester)
        purpose_text = declared_purpose(requester, purpose_code)
        granted = checked_documents(documents)
        check_terms(valid_for, max_reads, longest=self.longest)
        check_doc_types(requester, await held_doc_types(account, granted))

        now = self._clock.now().replace(microsecond=0)
        consent = Consent(
            id=uuid.uuid4(),
            account_id=account.id,
            requester=requester,
            purpose_code=purpose_code,
            purpose_text=purpose_text,
            documents=granted,
            created_at=now,
            valid_from=now,
            valid_until=now + valid_for,
            max_reads=max_reads,
            reads=0,
            status=ConsentStatus.ACTIVE.value,
        )
        claims = artefact_claims(consent, requester, issuer=self._issuer)
        consent.artefact = sign_artefact(claims, await self._keys.signing_key())
        async with in_transaction() as connection:
            await consent.save(using_db=connection, force_create=True)
            await self._log(
                consent,
                ActivityKind.CONSENT_GRANTED,
                requester,
                details={
                    "documents": len(granted),
                    "max_reads": max_reads,
                    "valid_until": claims["valid_until"],
                },
            )
        logger.info(
            "Consent granted",
            extra={"account_id": str(account.id), "consent_id": str(consent.id)},
        )

        await self._notify(
            account,
            notices.granted(
                requester.name, len(granted), purpose_text, consent.valid_until
            ),
        )
        return consent

    async def deny(
        self, account: Account, requester: Requester, *, purpose_code: str
    ) -> None:
        """Log that the resident refused ``requester`` everything it asked for.

        No consent is kept. Raises ``InvalidArgument`` for a purpose the
        requester did not declare.
        """
        purpose_text = declared_purpose(requester, purpose_code)

        await self._activity.append(
            account.id,
            ActivityKind.CONSENT_DENIED,
            requester_id=requester.org_id,
            requester_name=requester.name,
            purpose=purpose_text,
            details={"purpose_code": purpose_code},
        )

    # -- the resident's view -------------------------------------------------

    async def consents(
        self,
        account: Account,
        *,
        first: int,
        after: str | None = None,
        status: ConsentStatus | None = None,
    ) -> ConsentPage:
        """The resident's consents, newest first, ``first`` at a time.

        ``status`` keeps only consents in that standing; consents whose time
        ran out are marked expired first. ``after`` is a cursor from an
        earlier page; any other raises ``InvalidCursor``.
        """
        await self.expire_due(account)
        query = Consent.filter(account_id=account.id)
        if status is not None:
            query = query.filter(status=status.value)
        total = await query.count()
        if after is not None:
            created_at, consent_id = decode_cursor(after)
            query = query.filter(
                Q(created_at__lt=created_at)
                | Q(created_at=created_at, id__lt=consent_id)
            )
        rows = (
            await query.select_related("requester")
            .order_by("-created_at", "-id")
            .limit(first + 1)
        )

        items = rows[:first]
        cursors = [encode_cursor(item.created_at, item.id) for item in items]
        return ConsentPage(
            items=items,
            cursors=cursors,
            end_cursor=cursors[-1] if cursors else None,
            has_next_page=len(rows) > first,
            total_count=total,
        )

    async def consent(self, account: Account, consent_id: str | uuid.UUID) -> Consent:
        """One of the resident's own consents; ``ConsentNotFound`` for any other."""
        key = _consent_uuid(consent_id)
        consent = (
            None
            if key is None
            else await Consent.get_or_none(
                id=key, account_id=account.id
            ).select_related("requester")
        )
        if consent is None:
            raise ConsentNotFound(
                "You have no consent with this id; your consents list them all.",
                field="id",
            )
        await self._expire_if_due(consent, consent.requester)

        return consent

    async def revoke(self, account: Account, consent_id: str | uuid.UUID) -> Consent:
        """End one of the resident's consents now, log it and text a notice.

        Raises ``ConsentNotFound`` for a consent not theirs, and
        ``ConsentRevoked`` or ``ConsentExpired`` when it had already ended.
        """
        consent = await self.consent(account, consent_id)
        _refuse_unless_active(consent, field="id")

        now = self._clock.now()
        async with in_transaction() as connection:
            revoked = (
                await Consent.filter(id=consent.id, status=ConsentStatus.ACTIVE.value)
                .using_db(connection)
                .update(status=ConsentStatus.REVOKED.value, revoked_at=now)
            )
            if not revoked:
                # Revoked by another request, or expired, since it was read.
                await consent.refresh_from_db(using_db=connection)
                _refuse_unless_active(consent, field="id")
            await self._log(consent, ActivityKind.CONSENT_REVOKED, consent.requester)
        consent.status, consent.revoked_at = ConsentStatus.REVOKED.value, now
        logger.info(
            "Consent revoked",
            extra={"account_id": str(account.id), "consent_id": str(consent.id)},
        )

        await self._notify(
            account, notices.revoked(consent.requester.name, consent.purpose_text)
        )
        return consent

    async def end_for_requester(self, requester: Requester) -> int:
        """Revoke every active consent given to ``requester``; how many ended.

        For an operator deactivating a requester: its consents could no
        longer be used, so residents should not see them as active. Each is
        logged in its resident's activity (``"by": "operator"``) and the
        resident is texted.
        """
        active = await Consent.filter(
            requester_id=requester.id, status=ConsentStatus.ACTIVE.value
        ).select_related("account")
        ended = 0
        now = self._clock.now()
        for consent in active:
            async with in_transaction() as connection:
                revoked = (
                    await Consent.filter(
                        id=consent.id, status=ConsentStatus.ACTIVE.value
                    )
                    .using_db(connection)
                    .update(status=ConsentStatus.REVOKED.value, revoked_at=now)
                )
                if revoked:
                    await self._log(
                        consent,
                        ActivityKind.CONSENT_REVOKED,
                        requester,
                        details={"by": "operator"},
                    )
            if revoked:
                ended += 1
                await self._notify(
                    consent.account,
                    notices.requester_removed(requester.name, consent.purpose_text),
                )
        logger.info(
            "Consents of a deactivated requester revoked",
            extra={"requester_id": str(requester.id), "consents": ended},
        )
        return ended

    async def expire_due(self, account: Account) -> None:
        """Mark the resident's active consents whose time ran out as expired."""
        due = await Consent.filter(
            account_id=account.id,
            status=ConsentStatus.ACTIVE.value,
            valid_until__lte=self._clock.now(),
        ).select_related("requester")
        for consent in due:
            await self._expire_if_due(consent, consent.requester)

    # -- the requester's reads -----------------------------------------------

    async def authorize_read(
        self,
        consent_id: str | uuid.UUID,
        uri: str,
        form: DocumentForm,
        *,
        requester: Requester,
    ) -> Consent:
        """Allow and count one read of ``uri`` in ``form`` by ``requester``.

        The consent must be this requester's, active, within its time, grant
        the URI in that form and have a read left. The read is counted and
        logged (the first one also texts the resident); the consent is
        answered with its new count. Raises ``ConsentNotFound``,
        ``ConsentRevoked``, ``ConsentExpired``, ``NotGranted`` or
        ``ReadLimitReached``; nothing is counted then.
        """
        consent = await self.check_read(consent_id, uri, form, requester=requester)

        await self._count_read(consent, uri, form, requester, self._clock.now())
        if consent.reads == 1:
            account = await Account.get(id=consent.account_id)
            await self._notify(
                account, notices.first_read(requester.name, consent.purpose_text)
            )

        return consent

    async def check_read(
        self,
        consent_id: str | uuid.UUID,
        uri: str,
        form: DocumentForm,
        *,
        requester: Requester,
    ) -> Consent:
        """Whether ``authorize_read`` would allow this read now, counting nothing.

        For what is handed out before the read itself (a download link). The
        read is still decided when it happens: raises as ``authorize_read``.
        """
        key = _consent_uuid(consent_id)
        consent = (
            None
            if key is None
            else await Consent.get_or_none(id=key, requester_id=requester.id)
        )
        if consent is None:
            raise ConsentNotFound(
                "No consent with this id was given to you; ask the resident for one.",
                field="consentId",
            )
        await self._expire_if_due(consent, requester)
        _refuse_unless_active(consent, field="consentId")
        if self._clock.now() < consent.valid_from:
            raise NotGranted(
                "This consent does not start until "
                f"{local_time(consent.valid_from)}; read then.",
                field="consentId",
            )
        if not _grants(consent, uri, form):
            raise NotGranted(
                "The resident did not share this document in this form with you.",
                field="uri",
            )
        if consent.max_reads is not None and consent.reads >= consent.max_reads:
            raise _read_limit_reached(consent)

        return consent

    async def _count_read(
        self,
        consent: Consent,
        uri: str,
        form: DocumentForm,
        requester: Requester,
        now: datetime,
    ) -> None:
        """Count and log one read; the database refuses one past the limit."""
        async with in_transaction() as connection:
            counted = Consent.filter(
                id=consent.id, status=ConsentStatus.ACTIVE.value, valid_until__gt=now
            )
            if consent.max_reads is not None:
                counted = counted.filter(reads__lt=consent.max_reads)
            if not await counted.using_db(connection).update(reads=F("reads") + 1):
                await consent.refresh_from_db(using_db=connection)
                if consent.valid_until <= now:
                    consent.status = ConsentStatus.EXPIRED.value
                _refuse_unless_active(consent, field="consentId")
                raise _read_limit_reached(consent)
            await consent.refresh_from_db(fields=["reads"], using_db=connection)
            if consent.reads == 1:
                consent.first_read_at = now
                await consent.save(update_fields=["first_read_at"], using_db=connection)
            await self._log(
                consent,
                ActivityKind.DOCUMENT_READ,
                requester,
                document_uri=uri,
                form=form,
                details={"read": consent.reads, "max_reads": consent.max_reads},
            )

    # -- artefacts -----------------------------------------------------------

    async def public_jwks(self) -> dict[str, Any]:
        """The public keys (a JWK Set) every artefact of this locker verifies with."""
        return await self._keys.public_jwks()

    async def verify_artefact(self, artefact: str) -> dict[str, Any]:
        """The claims of an artefact this locker signed; ``InvalidArtefact`` if not."""
        return verify_signed(artefact, await self.public_jwks())

    # -- helpers -------------------------------------------------------------

    async def _expire_if_due(self, consent: Consent, requester: Requester) -> None:
        """Mark ``consent`` expired if its time ran out; log it the once it changes."""
        if consent.status != ConsentStatus.ACTIVE.value:
            return
        if self._clock.now() < consent.valid_until:
            return

        async with in_transaction() as connection:
            expired = (
                await Consent.filter(id=consent.id, status=ConsentStatus.ACTIVE.value)
                .using_db(connection)
                .update(status=ConsentStatus.EXPIRED.value)
            )
            if expired:
                await self._log(consent, ActivityKind.CONSENT_EXPIRED, requester)
        if expired:
            consent.status = ConsentStatus.EXPIRED.value
        else:
            # Another request revoked or expired it first.
            await consent.refresh_from_db(fields=["status", "revoked_at"])

    async def _log(
        self,
        consent: Consent,
        kind: ActivityKind,
        requester: Requester,
        *,
        document_uri: str | None = None,
        form: DocumentForm | None = None,
        details: dict[str, DetailValue] | None = None,
    ) -> None:
        await self._activity.append(
            consent.account_id,
            kind,
            requester_id=requester.org_id,
            requester_name=requester.name,
            consent_id=str(consent.id),
            document_uri=document_uri,
            form=form,
            purpose=consent.purpose_text,
            details={"purpose_code": consent.purpose_code, **(details or {})},
        )

    async def _notify(self, account: Account, text: str) -> None:
        """Text the resident; a failed notice is logged, the change stands."""
        try:
            await self._sms.send(account.mobile, text)
        except SmsDeliveryFailed:
            logger.warning(
                "Consent notice not delivered", extra={"account_id": str(account.id)}
            )


def _consent_uuid(consent_id: str | uuid.UUID) -> uuid.UUID | None:
    """The id as a UUID, or None (which matches no consent) if it is not one."""
    if isinstance(consent_id, uuid.UUID):
        return consent_id
    try:
        return uuid.UUID(consent_id)
    except ValueError:
        return None


def _refuse_unless_active(consent: Consent, *, field: str) -> None:
    """Raise why nothing may be read under ``consent``, if it is not active."""
    if consent.status == ConsentStatus.REVOKED.value:
        when = f" on {local_time(consent.revoked_at)}" if consent.revoked_at else ""
        raise ConsentRevoked(
            f"This consent was revoked{when}; nothing can be read under it.",
            field=field,
        )
    if consent.status == ConsentStatus.EXPIRED.value:
        raise ConsentExpired(
            f"This consent ended on {local_time(consent.valid_until)}; nothing can be "
            "read under it.",
            field=field,
        )


def _read_limit_reached(consent: Consent) -> ReadLimitReached:
    return ReadLimitReached(
        f"All {consent.max_reads} reads this consent allows were made; "
        "ask the resident for a new consent.",
        field="consentId",
    )


def _grants(consent: Consent, uri: str, form: DocumentForm) -> bool:
    return any(
        document["uri"] == uri and form.value in document["forms"]
        for document in consent.documents
    )
