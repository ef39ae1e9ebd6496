"""Opaque keyset cursors for lists ordered newest first: (time, id)."""

from __future__ import annotations

import base64
import binascii
import uuid
from datetime import datetime

from services.errors import InvalidCursor


def encode_cursor(moment: datetime, row_id: uuid.UUID) -> str:
    """The cursor just after the row at ``moment`` with ``row_id``."""
    raw = f"{moment.isoformat()}|{row_id}"
    return base64.urlsafe_b64encode(raw.encode()).decode()


def decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    """The (time, id) a cursor stands for; ``InvalidCursor`` for anything else."""
    try:
        moment, _, row_id = (
            base64.urlsafe_b64decode(cursor.encode()).decode().partition("|")
        )
        return datetime.fromisoformat(moment), uuid.UUID(row_id)
    except (ValueError, binascii.Error, UnicodeDecodeError) as error:
        raise InvalidCursor(
            "The paging cursor is not one this API gave; start from the first page.",
            field="after",
        ) from error
