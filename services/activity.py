"""The resident's activity log: every read by a requester and every consent change.

Each account has its own log, shown to the resident newest first and exported
oldest first as JSON or CSV. The log takes plain values (ids and strings), so
the consent and requester services that feed it stay free to change shape.

**The chain.** An account's entries are numbered ``seq`` = 1, 2, 3, … and each
carries ``prev_hash``, the previous entry's ``hash`` (64 zeros for the first),
and its own ``hash``: the hex SHA-256 of the bytes ``openlocker-activity-v1``,
a newline, and the entry's *record* as UTF-8 JSON with sorted keys and no
whitespace. The record holds exactly these keys::

    account_id consent_id details document_uri form id kind prev_hash purpose
    requester_id requester_name seq at

with ids as lowercase hyphenated UUIDs, ``seq`` an integer, ``at`` in UTC as
``2026-12-03T10:00:00.000000Z`` (always six decimals), absent values as
``null`` and ``details`` a flat object of strings, integers, booleans and
nulls. For those value types this JSON is RFC 8785 (JCS) form, so anyone can
recompute a hash from the JSON export in any language. The prefix names the
scheme: a future change to the record gets a new one.

**What it catches.** ``verify_chain`` recomputes every hash in ``seq`` order and
names, per account, the first entry whose fields were changed (hash mismatch),
that does not follow its predecessor (prev_hash mismatch) or that comes after
missing entries (gap in seq). A hash chain alone cannot tell that the newest
entries were cut off, nor stop someone who rewrites every hash after a change:
that would take keeping the newest hash somewhere else.

**Concurrency.** Appends for one account never fork the chain, from any number
of processes: ``(account, seq)`` is unique, so of two appends that read the
same latest entry only one can insert; the other reads again and retries, a
bounded number of times with a short random pause. The insert runs in its own
transaction, which inside a caller's transaction is a savepoint: a consent
change and its entry commit together, and a lost race undoes only the insert.
The latest entry is read before that transaction opens: on SQLite, a
transaction that reads before it writes cannot take the write lock once another
process has committed, and would fail instead of retrying.
"""

from __future__ import annotations

import asyncio
import csv
import enum
import hashlib
import io
import json
import logging
import random
import uuid
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from models import Account, ActivityEntry
from services.clock import Clock
from services.errors import InvalidCursor
from services.paging import decode_cursor, encode_cursor

logger = logging.getLogger(__name__)

HASH_SCHEME = "openlocker-activity-v1"
GENESIS_HASH = "0" * 64

# Each lost race means another append went in. A hundred appends at once on one
# account need at most 16 attempts each; running out means something is wrong.
APPEND_ATTEMPTS = 24
MOST_BACKOFF_SECONDS = 0.1
MOST_DETAILS_CHARACTERS = 1000
VERIFY_BATCH = 500

CSV_COLUMNS = (
    "seq",
    "at",
    "kind",
    "requester_id",
    "requester_name",
    "consent_id",
    "document_uri",
    "form",
    "purpose",
    "details",
    "id",
    "prev_hash",
    "hash",
)
# A spreadsheet runs a cell that starts with one of these as a formula (OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

DetailValue = str | int | bool | None


class ActivityKind(enum.StrEnum):
    """What happened: a requester read a document, or a consent changed."""

    DOCUMENT_READ = "document_read"
    CONSENT_GRANTED = "consent_granted"
    CONSENT_REVOKED = "consent_revoked"
    CONSENT_EXPIRED = "consent_expired"
    CONSENT_DENIED = "consent_denied"


class DocumentForm(enum.StrEnum):
    """The form in which a requester read a document."""

    METADATA = "metadata"
    XML = "xml"
    PDF = "pdf"


class BreakReason(enum.StrEnum):
    """Why ``verify_chain`` holds an entry broken."""

    HASH_MISMATCH = "hash mismatch"
    PREV_HASH_MISMATCH = "prev_hash mismatch"
    SEQ_GAP = "gap in seq"


@dataclass(frozen=True)
class ActivityPage:
    """One page of an account's activity log, newest first."""

    items: list[ActivityEntry]
    cursors: list[str]
    end_cursor: str | None
    has_next_page: bool
    total_count: int


@dataclass(frozen=True)
class ChainBreak:
    """The first broken entry of one account's log."""

    account_id: uuid.UUID
    seq: int
    entry_id: uuid.UUID
    reason: BreakReason
    expected_seq: int

    def describe(self) -> str:
        why = str(self.reason)
        if self.reason is BreakReason.SEQ_GAP:
            why += f" (expected {self.expected_seq})"

        return f"account {self.account_id}: entry {self.seq} ({self.entry_id}): {why}"


@dataclass(frozen=True)
class ChainReport:
    """What ``verify_chain`` found: how much it checked, and each account's break."""

    entries: int
    accounts: int
    breaks: list[ChainBreak]

    @property
    def intact(self) -> bool:
        return not self.breaks

    def describe(self) -> str:
        """One line when intact; otherwise a heading and a line per broken log."""
        checked = f"{_count(self.entries, 'entry', 'entries')} in " + _count(
            self.accounts, "account", "accounts"
        )
        if self.intact:
            return f"activity log intact: {checked}"

        lines = [f"activity log BROKEN ({checked} checked):"]
        lines.extend(f"  {found.describe()}" for found in self.breaks)
        return "\n".join(lines)


def entry_record(entry: ActivityEntry) -> dict[str, Any]:
    """The entry's fields that its hash covers, as the module docstring lists."""
    return {
        "account_id": str(entry.account_id),
        "at": _utc_text(entry.at),
        "consent_id": entry.consent_id,
        "details": entry.details,
        "document_uri": entry.document_uri,
        "form": entry.form,
        "id": str(entry.id),
        "kind": entry.kind,
        "prev_hash": entry.prev_hash,
        "purpose": entry.purpose,
        "requester_id": entry.requester_id,
        "requester_name": entry.requester_name,
        "seq": entry.seq,
    }


def entry_hash(entry: ActivityEntry) -> str:
    """The hash the entry's fields give under ``HASH_SCHEME``."""
    data = f"{HASH_SCHEME}\n{_canonical_json(entry_record(entry))}".encode()
    return hashlib.sha256(data).hexdigest()


class ActivityLog:
    """Appends to residents' activity logs, pages, exports and verifies them."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock

    async def append(
        self,
        account_id: uuid.UUID,
        kind: ActivityKind,
        *,
        requester_id: str,
        requester_name: str,
        consent_id: str | None = None,
        document_uri: str | None = None,
        form: DocumentForm | None = None,
        purpose: str | None = None,
        details: Mapping[str, DetailValue] | None = None,
    ) -> ActivityEntry:
        """Add an entry at the end of the account's chain and answer it.

        Values are shown to the resident as given: never put a token or a
        document's contents in them. ``details`` is for a few small facts (at
        most 1,000 characters as JSON). Raises Tortoise's ``ValidationError``
        for a value longer than its column (see ``models.ActivityEntry``), and
        ``IntegrityError`` when the account does not exist.
        """
        fields: dict[str, Any] = {
            "kind": kind.value,
            "requester_id": requester_id,
            "requester_name": requester_name,
            "consent_id": consent_id,
            "document_uri": document_uri,
            "form": None if form is None else form.value,
            "purpose": purpose,
            "details": _checked_details(details or {}),
        }

        for attempt in range(1, APPEND_ATTEMPTS + 1):
            try:
                entry = await self._append_once(account_id, fields)
                break
            except IntegrityError:
                # Another append took this seq, unless the account is gone.
                last = attempt == APPEND_ATTEMPTS
                if last or not await Account.exists(id=account_id):
                    raise
                await asyncio.sleep(_backoff(attempt))
        logger.info(
            "Activity %s recorded",
            kind.value,
            extra={"account_id": str(account_id), "seq": entry.seq},
        )

        return entry

    async def _append_once(
        self, account_id: uuid.UUID, fields: dict[str, Any]
    ) -> ActivityEntry:
        latest = (
            await ActivityEntry.filter(account_id=account_id)
            .order_by("-seq")
            .limit(1)
            .values_list("seq", "hash")
        )
        seq, prev_hash = (
            (latest[0][0] + 1, latest[0][1]) if latest else (1, GENESIS_HASH)
        )
        entry = ActivityEntry(
            id=uuid.uuid4(),
            account_id=account_id,
            seq=seq,
            at=self._clock.now(),
            prev_hash=prev_hash,
            **fields,
        )
        entry.hash = entry_hash(entry)

        async with in_transaction() as connection:
            await entry.save(using_db=connection, force_create=True)

        return entry

    async def entries(
        self, account: Account, *, first: int, after: str | None = None
    ) -> ActivityPage:
        """The account's entries, newest first, ``first`` at a time.

        ``after`` is a cursor from an earlier page of this account's log; any
        other raises ``InvalidCursor``.
        """
        query = ActivityEntry.filter(account_id=account.id)
        total = await query.count()
        if after is not None:
            query = query.filter(seq__lt=await self._seq_at(account, after))
        rows = await query.order_by("-seq").limit(first + 1)

        items = rows[:first]
        cursors = [encode_cursor(item.at, item.id) for item in items]
        return ActivityPage(
            items=items,
            cursors=cursors,
            end_cursor=cursors[-1] if cursors else None,
            has_next_page=len(rows) > first,
            total_count=total,
        )

    async def _seq_at(self, account: Account, cursor: str) -> int:
        """The seq of the entry a cursor points at, in this account's log."""
        _, entry_id = decode_cursor(cursor)
        entry = await ActivityEntry.get_or_none(account_id=account.id, id=entry_id)
        if entry is None:
            raise InvalidCursor(
                "The paging cursor is not one this API gave; start from the "
                "first page.",
                field="after",
            )

        return entry.seq

    async def export_json(self, account: Account) -> str:
        """The whole log, oldest first, as JSON with every entry's hash.

        Each entry is its record (see the module docstring) plus ``hash``, so
        the export can be checked without the locker.
        """
        entries = [
            {**entry_record(entry), "hash": entry.hash}
            async for entry in _in_seq_order(account.id)
        ]
        export = {
            "account_id": str(account.id),
            "hash_scheme": HASH_SCHEME,
            "entries": entries,
        }

        return json.dumps(export, ensure_ascii=False, indent=2) + "\n"

    async def export_csv(self, account: Account) -> str:
        """The whole log, oldest first, as CSV with a header row.

        Text that a spreadsheet would run as a formula starts with ``'``
        instead; ``details`` is its compact JSON. Check hashes with the JSON
        export, which keeps every value as recorded.
        """
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(CSV_COLUMNS)
        async for entry in _in_seq_order(account.id):
            record = {**entry_record(entry), "hash": entry.hash}
            record["details"] = _canonical_json(entry.details)
            writer.writerow(_csv_cell(record[column]) for column in CSV_COLUMNS)

        return buffer.getvalue()

    async def verify_chain(self, account_id: uuid.UUID | None = None) -> ChainReport:
        """Recompute the chain of one account's log, or of every account's."""
        query = ActivityEntry.all()
        if account_id is not None:
            query = query.filter(account_id=account_id)
        account_ids = (
            await query.distinct()
            .order_by("account_id")
            .values_list("account_id", flat=True)
        )

        entries = 0
        breaks: list[ChainBreak] = []
        for account in account_ids:
            checked, found = await self._verify_account(uuid.UUID(str(account)))
            entries += checked
            if found is not None:
                breaks.append(found)

        return ChainReport(entries=entries, accounts=len(account_ids), breaks=breaks)

    async def _verify_account(
        self, account_id: uuid.UUID
    ) -> tuple[int, ChainBreak | None]:
        """How many entries the account has, and its first break if any."""
        checked = 0
        first_break: ChainBreak | None = None
        expected_seq, expected_prev = 1, GENESIS_HASH
        async for entry in _in_seq_order(account_id):
            checked += 1
            reason = _break_reason(entry, expected_seq, expected_prev)
            if reason is not None and first_break is None:
                first_break = ChainBreak(
                    account_id=account_id,
                    seq=entry.seq,
                    entry_id=entry.id,
                    reason=reason,
                    expected_seq=expected_seq,
                )
            expected_seq, expected_prev = entry.seq + 1, entry.hash

        return checked, first_break


async def _in_seq_order(account_id: uuid.UUID) -> AsyncIterator[ActivityEntry]:
    """An account's entries in seq order, read a batch at a time."""
    last_seq: int | None = None
    while True:
        query = ActivityEntry.filter(account_id=account_id)
        if last_seq is not None:
            query = query.filter(seq__gt=last_seq)
        batch = await query.order_by("seq").limit(VERIFY_BATCH)
        for entry in batch:
            yield entry
        if len(batch) < VERIFY_BATCH:
            return
        last_seq = batch[-1].seq


def _break_reason(
    entry: ActivityEntry, expected_seq: int, expected_prev: str
) -> BreakReason | None:
    if entry.seq != expected_seq:
        return BreakReason.SEQ_GAP
    if entry.prev_hash != expected_prev:
        return BreakReason.PREV_HASH_MISMATCH
    if entry.hash != entry_hash(entry):
        return BreakReason.HASH_MISMATCH
    return None


def _canonical_json(value: object) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _checked_details(details: Mapping[str, DetailValue]) -> dict[str, DetailValue]:
    """A copy of ``details``; a value of another type or too much is refused.

    Floats are left out on purpose: their text is not the same in every JSON
    library, and the hash must be.
    """
    copied = dict(details)
    for key, value in copied.items():
        if not isinstance(key, str) or not isinstance(value, DetailValue):
            raise TypeError(f"activity details take str keys and {DetailValue}")
    if len(_canonical_json(copied)) > MOST_DETAILS_CHARACTERS:
        raise ValueError(
            f"activity details are at most {MOST_DETAILS_CHARACTERS} characters"
        )

    return copied


def _csv_cell(value: object) -> str:
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def _backoff(attempt: int) -> float:
    """A random pause, growing with each lost race, so racers spread out."""
    ceiling = min(MOST_BACKOFF_SECONDS, 0.002 * 2**attempt)
    return random.uniform(0, ceiling)  # noqa: S311 - jitter, not a secret


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"
