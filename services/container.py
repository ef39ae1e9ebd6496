"""Builds the locker's services from settings: the one place they are wired."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from adapters.digilocker import (
    DigiLockerIssuerConfig,
    digilocker_adapter,
    read_config_file,
)
from adapters.registry import AdapterRegistry
from config.settings import Settings
from services.account_changes import AccountChanges
from services.accounts import AccountService
from services.activity import ActivityLog
from services.clock import Clock, SystemClock
from services.closure import AccountClosure, default_erasers
from services.consents import ConsentKeyStore, ConsentService
from services.documents.keys import IssuerKeyStore
from services.documents.render import DocumentRenderer
from services.esign.ca import LockerCA
from services.identity.aadhaar import IdentityService
from services.identity.ekyc import SandboxEkycProvider
from services.issuers import CallPolicy, IssuerCalls
from services.issuers.pushes import PushService
from services.issuers.tokens import IssuerTokens
from services.links import DownloadLinks
from services.locker import Locker
from services.oauth import TokenService
from services.oauth.server import LockerAuthorizationServer
from services.objects import (
    EncryptedObjects,
    MasterKey,
    ObjectStore,
    S3ObjectStore,
)
from services.objects import LocalObjectStore as LocalUploadStore
from services.otp import OtpService
from services.ratelimit import RateLimiter
from services.recovery import RecoveryService
from services.requesters import RequesterRegistry
from services.security_events import SecurityLog
from services.sessions import SessionService
from services.sms import SmsSender, sms_sender_from_settings
from services.storage import LocalObjectStore
from services.uploads.attest import SelfAttestation
from services.uploads.service import UploadService
from services.verification import DocumentVerifier

logger = logging.getLogger(__name__)

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
    issuer_calls: IssuerCalls
    keystore: IssuerKeyStore
    locker: Locker
    links: DownloadLinks
    security: SecurityLog
    limiter: RateLimiter
    recovery: RecoveryService
    account_changes: AccountChanges
    sessions: SessionService
    closure: AccountClosure
    object_store: ObjectStore
    uploads: UploadService
    attestation: SelfAttestation
    requesters: RequesterRegistry
    verification: DocumentVerifier
    activity: ActivityLog
    consents: ConsentService
    tokens: TokenService
    oauth: LockerAuthorizationServer
    issuer_tokens: IssuerTokens
    pushes: PushService
    push_keys: dict[str, str]


def object_store_from_settings(settings: Settings) -> ObjectStore:
    """The backend uploads are kept in; an S3 store must be opened before use."""
    if settings.storage_backend == "s3":
        secret = settings.s3_secret_access_key
        return S3ObjectStore(
            bucket=settings.s3_bucket,
            region=settings.s3_region,
            access_key_id=settings.s3_access_key_id or "",
            secret_access_key=secret.get_secret_value() if secret else "",
            endpoint_url=settings.s3_endpoint_url,
            part_size=settings.s3_part_bytes,
        )
    return LocalUploadStore(settings.objects_dir)


def master_key_from_settings(settings: Settings) -> MasterKey:
    """The master key, able to read data keys its retired predecessors wrapped."""
    current = MasterKey.from_secret(settings.master_key.get_secret_value())
    previous = [
        MasterKey.from_secret(secret.get_secret_value())
        for secret in settings.previous_master_keys
    ]
    return current.with_previous(previous) if previous else current


def registry_from_settings(settings: Settings) -> AdapterRegistry:
    """The built-in and installed adapters, and the configured DigiLocker issuers."""
    registry = AdapterRegistry.discover()
    if settings.issuers_file is not None:
        configs = read_config_file(settings.issuers_file)
        for config in configs:
            registry.add(digilocker_adapter(config), origin=str(settings.issuers_file))
        logger.info(
            "Loaded %d DigiLocker-compatible issuers from %s: %s",
            len(configs),
            settings.issuers_file,
            ", ".join(config.issuer_id for config in configs),
        )
    return registry


def push_keys_of(registry: AdapterRegistry) -> dict[str, str]:
    """Each DigiLocker issuer's API key, which signs (HMAC) the URIs it pushes."""
    keys = {}
    for adapter in registry:
        config = getattr(adapter, "digilocker_config", None)
        if isinstance(config, DigiLockerIssuerConfig):
            keys[adapter.issuer_id] = config.api_key
    return keys


def build_services(
    settings: Settings,
    *,
    clock: Clock | None = None,
    sms: SmsSender | None = None,
    registry: AdapterRegistry | None = None,
    object_store: ObjectStore | None = None,
) -> Services:
    """Wire the services for ``settings``; tests pass their own clock and sink."""
    clock = clock or SystemClock()
    sms = sms or sms_sender_from_settings(settings)
    registry = registry or registry_from_settings(settings)
    limiter = RateLimiter.from_settings(settings, clock)
    otp = OtpService(settings, sms, clock, limiter=limiter)
    security = SecurityLog(sms, clock)
    accounts = AccountService(settings, otp, clock, security=security)
    provider = SandboxEkycProvider(settings.ekyc_fixture or SANDBOX_RESIDENTS, otp)
    keystore = IssuerKeyStore(settings.keys_dir, generate=settings.generate_issuer_keys)
    issuer_calls = IssuerCalls(CallPolicy.from_settings(settings), clock)
    locker = Locker(
        registry,
        DocumentRenderer(keystore, public_url=settings.base_url),
        LocalObjectStore(settings.objects_dir),
        cache_seconds=settings.document_cache_seconds,
        clock=clock,
        issuer_calls=issuer_calls,
    )
    object_store = object_store or object_store_from_settings(settings)
    uploads = UploadService(
        settings,
        EncryptedObjects(object_store, master_key_from_settings(settings)),
        registry,
        clock,
    )
    attestation = SelfAttestation(
        uploads,
        otp,
        lambda: LockerCA.load_or_create(
            settings.ca_dir, generate=settings.generate_esign_ca
        ),
        clock,
    )
    activity = ActivityLog(clock)
    links = DownloadLinks(
        settings.secret_key.get_secret_value(),
        public_url=settings.base_url,
        lifetime_seconds=settings.download_link_seconds,
        clock=clock,
    )
    requesters = RequesterRegistry(settings.secret_key.get_secret_value(), registry)
    tokens = TokenService(
        clock, access_token_seconds=settings.oauth_access_token_seconds
    )

    identity = IdentityService(settings, provider, clock, security=security)
    pushes = PushService(registry, locker, identity.aadhaar_hash, clock)
    identity.after_link.append(pushes.deliver_waiting)

    return Services(
        settings=settings,
        clock=clock,
        sms=sms,
        otp=otp,
        accounts=accounts,
        identity=identity,
        registry=registry,
        issuer_calls=issuer_calls,
        keystore=keystore,
        locker=locker,
        links=links,
        security=security,
        limiter=limiter,
        recovery=RecoveryService(settings, accounts, otp, security, clock),
        account_changes=AccountChanges(settings, accounts, otp, security, sms, clock),
        sessions=SessionService(settings, security, clock),
        closure=AccountClosure(
            otp, sms, clock, erasers=default_erasers(locker, uploads)
        ),
        object_store=object_store,
        uploads=uploads,
        attestation=attestation,
        requesters=requesters,
        verification=DocumentVerifier(
            registry, keystore, clock, issuer_calls=issuer_calls
        ),
        activity=activity,
        consents=ConsentService(
            settings, clock, sms, activity, ConsentKeyStore(settings.consent_key_dir)
        ),
        tokens=tokens,
        oauth=LockerAuthorizationServer(
            settings,
            clock=clock,
            tokens=tokens,
            requesters=requesters,
            limiter=limiter,
            doc_types=[spec.code for adapter in registry for spec in adapter.doc_types],
        ),
        issuer_tokens=IssuerTokens(clock),
        pushes=pushes,
        push_keys=push_keys_of(registry),
    )
