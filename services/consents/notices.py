"""The text messages a resident gets about their consents.

A notice says who, what for and until when. It never carries a code, a token
or anything of a document's contents: it is something to check in the
locker, not something to act on. Times read as in India.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

INDIA = timezone(timedelta(hours=5, minutes=30), "IST")


def local_time(moment: datetime) -> str:
    """A time as a resident in India reads it: ``03 January 2027, 15:30 IST``."""
    return moment.astimezone(INDIA).strftime("%d %B %Y, %H:%M IST")


def granted(
    requester_name: str, documents: int, purpose_text: str, valid_until: datetime
) -> str:
    shared = "1 document" if documents == 1 else f"{documents} documents"
    return (
        f"OpenLocker: you allowed {requester_name} to read {shared} for "
        f"'{purpose_text}' until {local_time(valid_until)}. You can revoke it at "
        "any time under Consents in your locker."
    )


def revoked(requester_name: str, purpose_text: str) -> str:
    return (
        f"OpenLocker: you revoked the consent you gave {requester_name} for "
        f"'{purpose_text}'. It can read nothing more under it."
    )


def requester_removed(requester_name: str, purpose_text: str) -> str:
    return (
        f"OpenLocker: {requester_name} is no longer registered with the locker, "
        f"so the consent you gave it for '{purpose_text}' has ended. It can read "
        "nothing more under it."
    )


def first_read(requester_name: str, purpose_text: str) -> str:
    return (
        f"OpenLocker: {requester_name} has started reading the documents you "
        f"shared for '{purpose_text}'. Your activity log in your locker shows "
        "every read."
    )
