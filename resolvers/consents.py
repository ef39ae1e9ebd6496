"""The resident's consents and activity log, and the keys that check artefacts.

Every function that takes an ``account`` was reached through ``me``, so the
account is the signed-in resident's; ``ConsentService`` looks a consent up
with that account, so another resident's id answers ``CONSENT_NOT_FOUND``.
"""

from __future__ import annotations

import json

from models import Account, Consent
from resolvers.context import LockerContext
from services.activity import ActivityPage
from services.consents import ConsentPage, ConsentStatus
from services.errors import InvalidArgument

MOST_PER_PAGE = 100


async def consents(
    context: LockerContext,
    account: Account,
    first: int,
    after: str | None,
    status: ConsentStatus | None,
) -> ConsentPage:
    """A page of ``account``'s consents; it was reached through an authorised path."""
    _check_first(first, "consents")
    return await context.services.consents.consents(
        account, first=first, after=after, status=status
    )


async def consent(context: LockerContext, account: Account, consent_id: str) -> Consent:
    return await context.services.consents.consent(account, consent_id)


async def revoke_consent(context: LockerContext, consent_id: str) -> Consent:
    account = await context.resident()
    return await context.services.consents.revoke(account, consent_id)


async def activity(
    context: LockerContext, account: Account, first: int, after: str | None
) -> ActivityPage:
    """A page of ``account``'s activity log; reached through an authorised path."""
    _check_first(first, "entries")
    return await context.services.activity.entries(account, first=first, after=after)


async def activity_export(
    context: LockerContext, account: Account, *, as_csv: bool
) -> str:
    """``account``'s whole activity log, oldest first, as CSV or JSON."""
    if as_csv:
        return await context.services.activity.export_csv(account)
    return await context.services.activity.export_json(account)


async def consent_signing_keys(context: LockerContext) -> str:
    """The JWK Set that verifies consent artefacts, as JSON."""
    return json.dumps(await context.services.consents.public_jwks())


def _check_first(first: int, what: str) -> None:
    if not 1 <= first <= MOST_PER_PAGE:
        raise InvalidArgument(
            f"Ask for between 1 and {MOST_PER_PAGE} {what} at a time.", field="first"
        )
