"""Linking Aadhaar through eKYC."""

from __future__ import annotations

from models import Account
from resolvers.context import LockerContext, client_address, client_info
from services.identity.ekyc import EkycRequest


async def start_aadhaar_link(context: LockerContext, aadhaar: str) -> EkycRequest:
    account = await context.resident()
    return await context.services.identity.start_link(
        account, aadhaar, client_address=client_address(context.request)
    )


async def confirm_aadhaar_link(
    context: LockerContext, transaction_id: str, otp: str
) -> Account:
    account = await context.resident()
    return await context.services.identity.confirm_link(
        account, transaction_id, otp, client=client_info(context.request)
    )
