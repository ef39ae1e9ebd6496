"""Documents issuers push into residents' lockers, matched by Aadhaar number.

An issuer pushes a URI for the holder of an Aadhaar number (the XML
``PushUriRequest`` at ``/issuers/{issuer_id}/push-uri``, or the GraphQL
``pushDocuments`` mutation with an issuer token). The locker finds the holder
by the keyed hash of the number, the same one accounts are looked up by; the
number itself is never stored. A URI pushed before its holder has an account,
or before they link Aadhaar, waits in ``PushedDocument`` and appears in their
locker when they link it.

Actions: ``add`` puts the URI in the holder's locker; ``update`` changes its
name and drops the locker's cached copy so the next read asks the issuer again
(an update of a URI never pushed adds it); ``delete`` takes it out of the
locker, whether it was pushed or pulled, and forgets the cached copy.

A push is checked as a whole before anything is applied, and applied in one
transaction: a push with one bad URI changes nothing. The issuer's answer never
says whether a number has an account here.
"""

from __future__ import annotations

import enum
import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from stdnum.exceptions import ValidationError
from stdnum.in_ import aadhaar as aadhaar_number
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from adapters.registry import AdapterRegistry
from adapters.sdk import DocumentUri
from models import Account, IssuedDocument, PushedDocument
from services.clock import Clock
from services.errors import (
    InvalidAadhaar,
    InvalidArgument,
    InvalidUri,
    LockerError,
    PushesNotAccepted,
    PushRefused,
    UnknownDocType,
    UnknownIssuer,
)
from services.locker import Locker
from services.uploads.names import clean_text

logger = logging.getLogger(__name__)

MOST_PUSHED_URIS = 100
_APPLY_ATTEMPTS = 5
_MOST_NAME_CHARACTERS = 200


class PushAction(enum.StrEnum):
    ADD = "add"
    UPDATE = "update"
    DELETE = "delete"


@dataclass(frozen=True)
class PushItem:
    """One URI an issuer pushes; ``aadhaar`` as the issuer sent it."""

    aadhaar: str
    uri: str
    doc_type: str
    action: PushAction
    name: str = ""
    doc_id: str = ""
    issued_on: date | None = None
    valid_from: date | None = None
    valid_to: date | None = None


@dataclass(frozen=True)
class PushReceipt:
    """What a push did: how many URIs of each action it applied."""

    added: int
    updated: int
    deleted: int


@dataclass(frozen=True)
class _Checked:
    item: PushItem
    uri: str
    aadhaar_hash: str
    name: str


class PushService:
    """Applies issuers' pushes and delivers waiting ones on Aadhaar link."""

    def __init__(
        self,
        registry: AdapterRegistry,
        locker: Locker,
        aadhaar_hash: Callable[[str], str],
        clock: Clock,
    ) -> None:
        self._registry = registry
        self._locker = locker
        self._aadhaar_hash = aadhaar_hash
        self._clock = clock

    async def push(self, issuer_id: str, items: Sequence[PushItem]) -> PushReceipt:
        """Check every item, then apply them all in one transaction.

        Raises ``UnknownIssuer`` for an issuer not served here,
        ``PushesNotAccepted`` for one whose adapter cannot fetch by URI,
        ``InvalidArgument`` for none or more than ``MOST_PUSHED_URIS`` items,
        and ``PushRefused`` naming each bad item; nothing is applied then.
        """
        if not items or len(items) > MOST_PUSHED_URIS:
            raise InvalidArgument(
                f"Push between 1 and {MOST_PUSHED_URIS} URIs at a time.",
                field="documents",
            )
        adapter = self._registry.get(issuer_id)
        if adapter is None:
            raise UnknownIssuer("No issuer with this id serves this locker.")
        if not adapter.accepts_pushes:
            raise PushesNotAccepted(
                f"{adapter.name} cannot send a document by its URI, so a pushed "
                "URI could never be read; its adapter must fetch by URI (for a "
                "DigiLocker-compatible issuer: configure pull_doc_url)."
            )
        declared = {spec.code: spec.name for spec in adapter.doc_types}

        checked: list[_Checked] = []
        problems: list[tuple[int, LockerError]] = []
        for position, item in enumerate(items, 1):
            try:
                checked.append(self._check(issuer_id, declared, item))
            except LockerError as error:
                problems.append((position, error))
        if problems:
            raise PushRefused(problems)

        for attempt in range(1, _APPLY_ATTEMPTS + 1):
            try:
                async with in_transaction():
                    for entry in checked:
                        await self._apply(issuer_id, entry)
                break
            except IntegrityError:
                # A push of the same URI for the same holder committed first;
                # this one applies on top of it.
                if attempt == _APPLY_ATTEMPTS:
                    raise
                logger.info("Push by %s raced another; applying again", issuer_id)
        changed = {e.uri for e in checked if e.item.action is not PushAction.ADD}
        await self._locker.forget_renditions(changed)

        counts = {action: 0 for action in PushAction}
        for entry in checked:
            counts[entry.item.action] += 1
        logger.info(
            "Issuer %s pushed %d URIs",
            issuer_id,
            len(checked),
            extra={"issuer_id": issuer_id},
        )
        return PushReceipt(
            added=counts[PushAction.ADD],
            updated=counts[PushAction.UPDATE],
            deleted=counts[PushAction.DELETE],
        )

    async def deliver_waiting(self, account: Account) -> int:
        """Put the URIs pushed for the account's Aadhaar number in its locker.

        Called once the resident links Aadhaar; answers how many arrived.
        """
        if account.aadhaar_hash is None:
            return 0
        waiting = await PushedDocument.filter(
            aadhaar_hash=account.aadhaar_hash, account_id__isnull=True
        )
        for pushed in waiting:
            await self._deliver(pushed, account.id)
        if waiting:
            logger.info(
                "Delivered %d pushed documents",
                len(waiting),
                extra={"account_id": str(account.id)},
            )
        return len(waiting)

    def _check(
        self, issuer_id: str, declared: dict[str, str], item: PushItem
    ) -> _Checked:
        try:
            number = str(aadhaar_number.validate(item.aadhaar.replace(" ", "")))
        except ValidationError:
            raise InvalidAadhaar(
                "This is not a valid Aadhaar number.", field="aadhaar"
            ) from None
        try:
            parsed = DocumentUri.parse(item.uri.strip())
        except ValueError:
            raise InvalidUri(
                "This is not a document URI (IssuerId-DocType-DocId).",
                field="uri",
            ) from None
        if parsed.issuer_id != issuer_id:
            raise InvalidUri(
                "An issuer may push only its own URIs, which start with its issuer id.",
                field="uri",
            )
        if parsed.doc_type != item.doc_type.strip() or parsed.doc_type not in declared:
            raise UnknownDocType(
                "The doc type must be one this issuer declares, and the URI's own; "
                f"declared: {', '.join(sorted(declared))}.",
                field="docType",
            )
        name = clean_text(item.name)
        if len(name) > _MOST_NAME_CHARACTERS:
            raise InvalidArgument(
                f"A document name is at most {_MOST_NAME_CHARACTERS} characters.",
                field="name",
            )

        return _Checked(
            item=item,
            uri=str(parsed),
            aadhaar_hash=self._aadhaar_hash(number),
            name=name or declared[parsed.doc_type],
        )

    async def _apply(self, issuer_id: str, entry: _Checked) -> None:
        item = entry.item
        holder = await Account.get_or_none(aadhaar_hash=entry.aadhaar_hash)
        existing = await PushedDocument.get_or_none(
            aadhaar_hash=entry.aadhaar_hash, uri=entry.uri
        )
        if item.action is PushAction.DELETE:
            if existing is not None:
                await existing.delete()
            if holder is not None:
                await IssuedDocument.filter(
                    account_id=holder.id, uri=entry.uri
                ).delete()
            return

        now = self._clock.now()
        values: dict[str, Any] = {
            "issuer_id": issuer_id,
            "doc_type": item.doc_type.strip(),
            "name": entry.name,
            "doc_id": item.doc_id.strip()[:100],
            "issued_on": item.issued_on,
            "valid_from": item.valid_from,
            "valid_to": item.valid_to,
            "updated_at": now,
        }
        if existing is None:
            existing = await PushedDocument.create(
                aadhaar_hash=entry.aadhaar_hash,
                uri=entry.uri,
                pushed_at=now,
                **values,
            )
        else:
            await existing.update_from_dict(values).save()
        if holder is None:
            return
        await self._deliver(existing, holder.id)
        if item.action is PushAction.UPDATE:
            await IssuedDocument.filter(account_id=holder.id, uri=entry.uri).update(
                name=entry.name
            )

    async def _deliver(self, pushed: PushedDocument, account_id: uuid.UUID) -> None:
        if not await IssuedDocument.exists(account_id=account_id, uri=pushed.uri):
            try:
                # A savepoint: a clash must not end the caller's transaction.
                async with in_transaction():
                    await IssuedDocument.create(
                        account_id=account_id,
                        uri=pushed.uri,
                        issuer_id=pushed.issuer_id,
                        doc_type=pushed.doc_type,
                        name=pushed.name,
                        pulled_at=self._clock.now(),
                        source="push",
                    )
            except IntegrityError:
                pass  # the resident pulled it at the same moment
        pushed.account_id = account_id
        await pushed.save(update_fields=["account_id"])
