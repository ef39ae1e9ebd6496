"""Builds the locker's services from settings: the one place they are wired."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from adapters.registry import AdapterRegistry
from config.settings import Settings
from services.accounts import AccountService
from services.clock import Clock, SystemClock
from services.documents.keys import IssuerKeyStore
from services.documents.render import DocumentRenderer
from services.identity.aadhaar import IdentityService
from services.identity.ekyc import SandboxEkycProvider
from services.links import DownloadLinks
from services.locker import Locker
from services.otp import OtpService
from services.security_events import SecurityLog
from services.sms import SmsSender, sms_sender_from_settings
from services.storage import LocalObjectStore

SANDBOX_RESIDENTS = Path(__file__).parent / "identity" / "sandbox_residents.json"


@dataclass
class Services:
    """Everything a request handler may call, built once per process."""

    settings: Settings
    clock: Clock
    sms: SmsSender
    otp: OtpService
    accounts: AccountService
    identity: IdentityService
    registry: AdapterRegistry
    keystore: IssuerKeyStore
    locker: Locker
    links: DownloadLinks
    security: SecurityLog


def build_services(
    settings: Settings,
    *,
    clock: Clock | None = None,
    sms: SmsSender | None = None,
    registry: AdapterRegistry | None = None,
) -> Services:
    """Wire the services for ``settings``; tests pass their own clock and sink."""
    clock = clock or SystemClock()
    sms = sms or sms_sender_from_settings(settings)
    registry = registry or AdapterRegistry.discover()
    otp = OtpService(settings, sms, clock)
    security = SecurityLog(sms, clock)
    provider = SandboxEkycProvider(settings.ekyc_fixture or SANDBOX_RESIDENTS, otp)
    keystore = IssuerKeyStore(settings.keys_dir, generate=settings.generate_issuer_keys)
    locker = Locker(
        registry,
        DocumentRenderer(keystore),
        LocalObjectStore(settings.objects_dir),
        cache_seconds=settings.document_cache_seconds,
        clock=clock,
    )
    links = DownloadLinks(
        settings.secret_key.get_secret_value(),
        public_url=settings.base_url,
        lifetime_seconds=settings.download_link_seconds,
        clock=clock,
    )

    return Services(
        settings=settings,
        clock=clock,
        sms=sms,
        otp=otp,
        accounts=AccountService(settings, otp, clock, security=security),
        identity=IdentityService(settings, provider, clock),
        registry=registry,
        keystore=keystore,
        locker=locker,
        links=links,
        security=security,
    )
