"""Whether an issuer's record belongs to the resident asking for it."""

from __future__ import annotations

from adapters.sdk import FindResult, Identity, names_match


def holder_matches(result: FindResult, identity: Identity) -> bool:
    """True when the issuer's holder is the resident, or the issuer says so.

    A holder matches on the date of birth exactly (when the issuer knows it) and
    on the name after normalising case, spacing, initials and order. An issuer
    that only confirms or denies must confirm both name and date of birth.
    """
    if result.verdict is not None:
        return result.verdict.confirmed

    holder = result.holder
    if holder is None:
        return False
    if holder.dob is not None and holder.dob != identity.dob:
        return False

    return names_match(holder.name, identity.name)
