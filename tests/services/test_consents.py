"""Consents: granting and signing, the resident's view, revocation, expiry, reads."""

from __future__ import annotations

import asyncio
import base64
import json
import stat
from collections.abc import Collection
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from joserfc import jws
from joserfc.jwk import ECKey

from config.settings import Settings
from models import Account, ActivityEntry, Consent, IssuedDocument, Requester
from services.activity import ActivityLog, DocumentForm
from services.clock import FrozenClock
from services.consents import (
    ConsentExpired,
    ConsentKeyStore,
    ConsentNotFound,
    ConsentRevoked,
    ConsentService,
    ConsentStatus,
    InvalidArtefact,
    NotGranted,
    ReadLimitReached,
    verify_artefact,
)
from services.errors import DocumentNotFound, InvalidArgument, SmsDeliveryFailed
from services.sms import MemorySmsSender

MARKSHEET = "in.gov.cbse-HSCER-202416612345"
CLASS_X = "in.gov.cbse-SSCER-202214412345"
MEERA_LICENCE = "in.gov.transport-DRVLC-MH1220190012345"
ROHAN_LICENCE = "in.gov.transport-DRVLC-MH1220160012345"
MEERA_MOBILE = "9876509876"
ROHAN_MOBILE = "9822034567"
ADMISSION_TEXT = "Verify Class XII marks for M.Tech admission 2027"

Grant = list[tuple[str, Collection[str]]]


@pytest.fixture
def service(
    tmp_path: Path, settings: Settings, clock: FrozenClock, sms: MemorySmsSender
) -> ConsentService:
    keys = ConsentKeyStore(tmp_path / "keys" / "consent")
    return ConsentService(settings, clock, sms, ActivityLog(clock), keys)


@pytest.fixture
def log(clock: FrozenClock) -> ActivityLog:
    return ActivityLog(clock)


async def resident_with(
    username: str, mobile: str, *documents: tuple[str, str]
) -> Account:
    account = await Account.create(
        username=username, mobile=mobile, password_hash="not-used"
    )
    for uri, name in documents:
        issuer_id, doc_type, _ = uri.split("-", 2)
        await IssuedDocument.create(
            account=account,
            uri=uri,
            issuer_id=issuer_id,
            doc_type=doc_type,
            name=name,
            pulled_at=datetime(2026, 11, 20, 9, 30, tzinfo=UTC),
        )
    return account


@pytest.fixture
async def meera(database: None) -> Account:
    return await resident_with(
        "meera.krishnan",
        MEERA_MOBILE,
        (MARKSHEET, "Class XII Marksheet"),
        (CLASS_X, "Class X Marksheet"),
        (MEERA_LICENCE, "Driving Licence"),
    )


@pytest.fixture
async def rohan(database: None) -> Account:
    return await resident_with(
        "rohan.mehta", ROHAN_MOBILE, (ROHAN_LICENCE, "Driving Licence")
    )


@pytest.fixture
async def iit_madras(database: None) -> Requester:
    return await Requester.create(
        org_id="iitm",
        name="Indian Institute of Technology Madras",
        client_id="rq_iitm_admissions",
        purposes=[
            {"code": "ADMISSION", "text": ADMISSION_TEXT},
            {
                "code": "SCHOLARSHIP",
                "text": "Check eligibility for a merit scholarship",
            },
        ],
        doc_types=["HSCER", "SSCER"],
        redirect_uris=["https://admissions.iitm.ac.in/openlocker/callback"],
    )


@pytest.fixture
async def passport_office(database: None) -> Requester:
    return await Requester.create(
        org_id="passport-pune",
        name="Regional Passport Office, Pune",
        client_id="rq_passport_pune",
        purposes=[{"code": "IDENTITY", "text": "Address and identity verification"}],
        doc_types=["DRVLC", "PANCR"],
        redirect_uris=["https://passport.example.gov.in/openlocker/callback"],
    )


async def admission_consent(
    service: ConsentService,
    meera: Account,
    iit_madras: Requester,
    *,
    documents: Grant | None = None,
    max_reads: int | None = 3,
) -> Consent:
    return await service.grant(
        meera,
        iit_madras,
        purpose_code="ADMISSION",
        documents=[(MARKSHEET, ["metadata", "pdf"])]
        if documents is None
        else documents,
        valid_for=timedelta(days=30),
        max_reads=max_reads,
    )


def base64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


async def kinds(account: Account) -> list[str]:
    entries = await ActivityEntry.filter(account_id=account.id).order_by("seq")
    return [entry.kind for entry in entries]


# Granting and the signed artefact


async def test_a_grant_is_signed_with_what_the_resident_agreed_to(
    service: ConsentService, settings: Settings, meera: Account, iit_madras: Requester
) -> None:
    consent = await admission_consent(service, meera, iit_madras)

    claims = verify_artefact(consent.artefact, await service.public_jwks())

    assert claims == {
        "schema": "openlocker-consent-v1",
        "iss": settings.base_url,
        "consent_id": str(consent.id),
        "resident_id": str(meera.id),
        "requester": {
            "client_id": "rq_iitm_admissions",
            "org_id": "iitm",
            "name": "Indian Institute of Technology Madras",
        },
        "purpose": {"code": "ADMISSION", "text": ADMISSION_TEXT},
        "documents": [{"uri": MARKSHEET, "forms": ["metadata", "pdf"]}],
        "created_at": "2026-12-03T10:00:00Z",
        "valid_from": "2026-12-03T10:00:00Z",
        "valid_until": "2027-01-02T10:00:00Z",
        "max_reads": 3,
        "status": "active",
    }
    stored = await Consent.get(id=consent.id)
    assert stored.artefact == consent.artefact
    assert (stored.status, stored.reads) == ("active", 0)


async def test_the_artefact_names_its_key_and_carries_no_personal_details(
    service: ConsentService, meera: Account, iit_madras: Requester
) -> None:
    consent = await admission_consent(service, meera, iit_madras)
    jwks = await service.public_jwks()

    header = jws.extract_compact(consent.artefact.encode()).protected
    payload = jws.extract_compact(consent.artefact.encode()).payload.decode()

    assert header == {
        "alg": "ES256",
        "kid": jwks["keys"][0]["kid"],
        "typ": "openlocker-consent+jws",
    }
    assert jwks["keys"][0]["kty"] == "EC"
    assert "d" not in jwks["keys"][0]
    assert MEERA_MOBILE not in payload
    assert "meera" not in payload.lower()


async def test_a_changed_or_foreign_artefact_does_not_verify(
    tmp_path: Path, service: ConsentService, meera: Account, iit_madras: Requester
) -> None:
    consent = await admission_consent(service, meera, iit_madras, max_reads=1)
    jwks = await service.public_jwks()
    header, _, signature = consent.artefact.split(".")
    payload = jws.extract_compact(consent.artefact.encode()).payload
    claims = json.loads(payload)
    claims["max_reads"] = 100
    raised = json.dumps(claims, sort_keys=True, separators=(",", ":")).encode()
    tampered = f"{header}.{base64url(raised)}.{signature}"
    stranger = ECKey.generate_key("P-256", auto_kid=True)
    forged = jws.serialize_compact(
        {"alg": "ES256", "kid": stranger.kid, "typ": "openlocker-consent+jws"},
        payload,
        stranger,
    )
    lockers_key = await ConsentKeyStore(tmp_path / "keys" / "consent").signing_key()
    untyped = jws.serialize_compact(
        {"alg": "ES256", "kid": lockers_key.kid}, payload, lockers_key
    )

    for artefact in (tampered, forged, untyped, "not.a.jws"):
        with pytest.raises(InvalidArtefact):
            verify_artefact(artefact, jwks)
    assert (await service.verify_artefact(consent.artefact))["max_reads"] == 1


async def test_the_signing_key_is_made_once_readable_only_by_the_server(
    tmp_path: Path, service: ConsentService, meera: Account, iit_madras: Requester
) -> None:
    consent = await admission_consent(service, meera, iit_madras)
    key_file = tmp_path / "keys" / "consent" / "consent.key.pem"

    reloaded = ConsentKeyStore(key_file.parent)

    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(key_file.parent.stat().st_mode) == 0o700
    assert await reloaded.public_jwks() == await service.public_jwks()
    assert verify_artefact(consent.artefact, await reloaded.public_jwks())
    assert sorted(path.name for path in key_file.parent.iterdir()) == [
        ".consent.key.lock",
        "consent.key.pem",
    ]


async def test_servers_starting_at_once_make_and_share_one_key(tmp_path: Path) -> None:
    stores = [ConsentKeyStore(tmp_path / "shared") for _ in range(4)]

    keys = await asyncio.gather(*(store.signing_key() for store in stores))

    assert len({key.kid for key in keys}) == 1


async def test_grant_is_logged_and_texted_without_any_code(
    service: ConsentService,
    meera: Account,
    iit_madras: Requester,
    sms: MemorySmsSender,
) -> None:
    consent = await admission_consent(service, meera, iit_madras)

    [entry] = await ActivityEntry.filter(account_id=meera.id)
    notice = sms.last_to(MEERA_MOBILE)
    assert entry.kind == "consent_granted"
    assert (entry.requester_id, entry.requester_name) == (
        "iitm",
        "Indian Institute of Technology Madras",
    )
    assert entry.consent_id == str(consent.id)
    assert entry.purpose == ADMISSION_TEXT
    assert entry.details == {
        "purpose_code": "ADMISSION",
        "documents": 1,
        "max_reads": 3,
        "valid_until": "2027-01-02T10:00:00Z",
    }
    assert "Indian Institute of Technology Madras" in notice
    assert "02 January 2027, 15:30 IST" in notice
    with pytest.raises(LookupError):
        sms.last_otp(MEERA_MOBILE)
    assert consent.artefact not in notice


# Refused grants: nothing is kept


@pytest.mark.parametrize(
    ("purpose_code", "documents", "field"),
    [
        ("PLACEMENT", [(MARKSHEET, ["pdf"])], "purposeCode"),
        ("ADMISSION", [(MARKSHEET, [])], "forms"),
        ("ADMISSION", [(MARKSHEET, ["pdf", "docx"])], "forms"),
        ("ADMISSION", [(MARKSHEET, ["pdf"]), (MARKSHEET, ["xml"])], "documents"),
        ("ADMISSION", [(MARKSHEET, ["pdf"]), (MEERA_LICENCE, ["pdf"])], "documents"),
    ],
)
async def test_grant_refuses_what_the_requester_may_not_have(
    service: ConsentService,
    meera: Account,
    iit_madras: Requester,
    sms: MemorySmsSender,
    purpose_code: str,
    documents: Grant,
    field: str,
) -> None:
    with pytest.raises(InvalidArgument) as refused:
        await service.grant(
            meera,
            iit_madras,
            purpose_code=purpose_code,
            documents=documents,
            valid_for=timedelta(days=30),
            max_reads=3,
        )

    assert refused.value.field == field
    assert await Consent.all().count() == 0
    assert await ActivityEntry.all().count() == 0
    assert sms.messages == []


async def test_grant_refuses_a_document_not_in_the_residents_locker(
    service: ConsentService,
    meera: Account,
    rohan: Account,
    passport_office: Requester,
) -> None:
    with pytest.raises(DocumentNotFound):
        await service.grant(
            meera,
            passport_office,
            purpose_code="IDENTITY",
            documents=[(ROHAN_LICENCE, ["xml"])],
            valid_for=timedelta(days=7),
            max_reads=None,
        )

    assert await Consent.all().count() == 0


@pytest.mark.parametrize(
    ("valid_for", "max_reads", "field"),
    [
        (timedelta(0), 3, "validFor"),
        (timedelta(days=-1), 3, "validFor"),
        (timedelta(days=366), 3, "validFor"),
        (timedelta(days=30), 0, "maxReads"),
    ],
)
async def test_grant_refuses_terms_out_of_bounds(
    service: ConsentService,
    meera: Account,
    iit_madras: Requester,
    valid_for: timedelta,
    max_reads: int,
    field: str,
) -> None:
    with pytest.raises(InvalidArgument) as refused:
        await service.grant(
            meera,
            iit_madras,
            purpose_code="ADMISSION",
            documents=[(MARKSHEET, ["pdf"])],
            valid_for=valid_for,
            max_reads=max_reads,
        )

    assert refused.value.field == field


async def test_the_longest_consent_is_allowed(
    service: ConsentService, meera: Account, iit_madras: Requester
) -> None:
    consent = await service.grant(
        meera,
        iit_madras,
        purpose_code="ADMISSION",
        documents=[(MARKSHEET, ["pdf"])],
        valid_for=timedelta(days=365),
        max_reads=None,
    )

    assert consent.valid_until == datetime(2027, 12, 3, 10, 0, tzinfo=UTC)
    assert consent.max_reads is None


async def test_no_grant_to_a_requester_no_longer_registered(
    service: ConsentService, meera: Account, iit_madras: Requester
) -> None:
    iit_madras.active = False
    await iit_madras.save()

    with pytest.raises(InvalidArgument) as refused:
        await admission_consent(service, meera, iit_madras)

    assert refused.value.field == "requester"


async def test_an_empty_grant_is_refused_and_a_denial_keeps_only_a_log_entry(
    service: ConsentService,
    meera: Account,
    iit_madras: Requester,
    sms: MemorySmsSender,
) -> None:
    with pytest.raises(InvalidArgument):
        await admission_consent(service, meera, iit_madras, documents=[])

    await service.deny(meera, iit_madras, purpose_code="ADMISSION")

    [entry] = await ActivityEntry.filter(account_id=meera.id)
    assert entry.kind == "consent_denied"
    assert entry.consent_id is None
    assert entry.purpose == ADMISSION_TEXT
    assert await Consent.all().count() == 0
    assert sms.messages == []


# The resident's view


async def test_residents_list_their_own_consents_newest_first(
    service: ConsentService,
    clock: FrozenClock,
    meera: Account,
    rohan: Account,
    iit_madras: Requester,
    passport_office: Requester,
) -> None:
    admission = await admission_consent(service, meera, iit_madras)
    clock.advance(60)
    identity = await service.grant(
        meera,
        passport_office,
        purpose_code="IDENTITY",
        documents=[(MEERA_LICENCE, ["xml", "metadata"])],
        valid_for=timedelta(days=7),
        max_reads=None,
    )
    clock.advance(60)
    scholarship = await service.grant(
        meera,
        iit_madras,
        purpose_code="SCHOLARSHIP",
        documents=[(CLASS_X, ["metadata"])],
        valid_for=timedelta(days=90),
        max_reads=1,
    )
    await service.grant(
        rohan,
        passport_office,
        purpose_code="IDENTITY",
        documents=[(ROHAN_LICENCE, ["pdf"])],
        valid_for=timedelta(days=7),
        max_reads=None,
    )

    first = await service.consents(meera, first=2)
    second = await service.consents(meera, first=2, after=first.end_cursor)

    assert [consent.id for consent in first.items] == [scholarship.id, identity.id]
    assert [consent.id for consent in second.items] == [admission.id]
    assert (first.has_next_page, second.has_next_page) == (True, False)
    assert first.total_count == 3
    assert first.items[1].requester.name == "Regional Passport Office, Pune"
    assert first.items[1].documents == [
        {"uri": MEERA_LICENCE, "forms": ["metadata", "xml"]}
    ]


async def test_a_resident_reads_only_their_own_consent(
    service: ConsentService,
    meera: Account,
    rohan: Account,
    iit_madras: Requester,
) -> None:
    consent = await admission_consent(service, meera, iit_madras)

    found = await service.consent(meera, str(consent.id))

    assert found.id == consent.id
    for asked in (str(consent.id), "not-a-consent-id"):
        with pytest.raises(ConsentNotFound):
            await service.consent(rohan, asked)
    with pytest.raises(ConsentNotFound):
        await service.revoke(rohan, consent.id)
    assert (await Consent.get(id=consent.id)).status == "active"


async def test_consents_are_filtered_by_how_they_stand(
    service: ConsentService,
    clock: FrozenClock,
    meera: Account,
    iit_madras: Requester,
    passport_office: Requester,
) -> None:
    short = await service.grant(
        meera,
        passport_office,
        purpose_code="IDENTITY",
        documents=[(MEERA_LICENCE, ["metadata"])],
        valid_for=timedelta(hours=1),
        max_reads=None,
    )
    revoked = await admission_consent(service, meera, iit_madras)
    await service.revoke(meera, revoked.id)
    active = await admission_consent(service, meera, iit_madras)
    clock.advance(3600)

    def ids(page_items: list[Consent]) -> list[object]:
        return [consent.id for consent in page_items]

    only_active = await service.consents(meera, first=10, status=ConsentStatus.ACTIVE)
    only_expired = await service.consents(meera, first=10, status=ConsentStatus.EXPIRED)
    only_revoked = await service.consents(meera, first=10, status=ConsentStatus.REVOKED)

    assert ids(only_active.items) == [active.id]
    assert ids(only_expired.items) == [short.id]
    assert ids(only_revoked.items) == [revoked.id]
    assert await kinds(meera) == [
        "consent_granted",
        "consent_granted",
        "consent_revoked",
        "consent_granted",
        "consent_expired",
    ]


# Revocation


async def test_revocation_takes_effect_on_the_very_next_read(
    service: ConsentService,
    clock: FrozenClock,
    meera: Account,
    iit_madras: Requester,
    sms: MemorySmsSender,
) -> None:
    consent = await admission_consent(service, meera, iit_madras)
    await service.authorize_read(
        consent.id, MARKSHEET, DocumentForm.PDF, requester=iit_madras
    )
    clock.advance(120)

    revoked = await service.revoke(meera, str(consent.id))

    assert revoked.status == "revoked"
    assert revoked.revoked_at == clock.now()
    with pytest.raises(ConsentRevoked):
        await service.authorize_read(
            consent.id, MARKSHEET, DocumentForm.PDF, requester=iit_madras
        )
    stored = await Consent.get(id=consent.id)
    assert (stored.status, stored.reads) == ("revoked", 1)
    assert "revoked" in sms.last_to(MEERA_MOBILE)


async def test_revoking_twice_says_it_is_already_revoked(
    service: ConsentService,
    meera: Account,
    iit_madras: Requester,
    sms: MemorySmsSender,
) -> None:
    consent = await admission_consent(service, meera, iit_madras)
    await service.revoke(meera, consent.id)

    with pytest.raises(ConsentRevoked) as refused:
        await service.revoke(meera, consent.id)

    assert "revoked on 03 December 2026, 15:30 IST" in refused.value.message
    assert await kinds(meera) == ["consent_granted", "consent_revoked"]
    assert len(sms.messages) == 2


async def test_deactivating_a_requester_ends_its_active_consents(
    service: ConsentService,
    meera: Account,
    iit_madras: Requester,
    passport_office: Requester,
    sms: MemorySmsSender,
) -> None:
    ended = await admission_consent(service, meera, iit_madras)
    already = await admission_consent(service, meera, iit_madras)
    await service.revoke(meera, already.id)
    other = await Consent.create(
        **{
            field: getattr(ended, field)
            for field in (
                "account_id",
                "purpose_code",
                "purpose_text",
                "documents",
                "created_at",
                "valid_from",
                "valid_until",
                "max_reads",
                "artefact",
            )
        },
        requester_id=passport_office.id,
    )

    count = await service.end_for_requester(iit_madras)

    assert count == 1
    assert (await Consent.get(id=ended.id)).status == "revoked"
    assert (await Consent.get(id=other.id)).status == "active"
    with pytest.raises(ConsentRevoked):
        await service.authorize_read(
            ended.id, MARKSHEET, DocumentForm.PDF, requester=iit_madras
        )
    assert (await kinds(meera))[-1] == "consent_revoked"
    assert "no longer registered" in sms.last_to(MEERA_MOBILE)


# Expiry


async def test_a_consent_ends_at_its_valid_until_and_is_logged_once(
    service: ConsentService,
    clock: FrozenClock,
    meera: Account,
    iit_madras: Requester,
) -> None:
    consent = await admission_consent(service, meera, iit_madras, max_reads=None)
    clock.current = consent.valid_until - timedelta(seconds=1)
    await service.authorize_read(
        consent.id, MARKSHEET, DocumentForm.METADATA, requester=iit_madras
    )
    clock.advance(1)

    for _ in range(2):
        with pytest.raises(ConsentExpired):
            await service.authorize_read(
                consent.id, MARKSHEET, DocumentForm.METADATA, requester=iit_madras
            )
    with pytest.raises(ConsentExpired):
        await service.revoke(meera, consent.id)

    assert (await Consent.get(id=consent.id)).status == "expired"
    assert (await service.consent(meera, consent.id)).status == "expired"
    assert await kinds(meera) == [
        "consent_granted",
        "document_read",
        "consent_expired",
    ]


# Reads


async def test_a_read_is_counted_logged_and_its_first_one_texted(
    service: ConsentService,
    clock: FrozenClock,
    meera: Account,
    iit_madras: Requester,
    sms: MemorySmsSender,
) -> None:
    consent = await admission_consent(service, meera, iit_madras)
    granted_notice = len(sms.messages)
    clock.advance(300)

    first = await service.authorize_read(
        str(consent.id), MARKSHEET, DocumentForm.METADATA, requester=iit_madras
    )
    second = await service.authorize_read(
        consent.id, MARKSHEET, DocumentForm.PDF, requester=iit_madras
    )

    assert (first.reads, second.reads) == (1, 2)
    assert second.first_read_at == clock.now()
    read = await ActivityEntry.get(account_id=meera.id, seq=3)
    assert (read.kind, read.document_uri, read.form) == (
        "document_read",
        MARKSHEET,
        "pdf",
    )
    assert read.consent_id == str(consent.id)
    assert read.purpose == ADMISSION_TEXT
    assert read.details == {"purpose_code": "ADMISSION", "read": 2, "max_reads": 3}
    assert len(sms.messages) == granted_notice + 1
    assert "started reading" in sms.last_to(MEERA_MOBILE)


async def test_a_read_outside_the_grant_is_refused_and_not_counted(
    service: ConsentService,
    meera: Account,
    iit_madras: Requester,
    passport_office: Requester,
) -> None:
    consent = await admission_consent(service, meera, iit_madras)

    with pytest.raises(NotGranted):
        await service.authorize_read(
            consent.id, MARKSHEET, DocumentForm.XML, requester=iit_madras
        )
    with pytest.raises(NotGranted):
        await service.authorize_read(
            consent.id, CLASS_X, DocumentForm.PDF, requester=iit_madras
        )
    with pytest.raises(ConsentNotFound):
        await service.authorize_read(
            consent.id, MARKSHEET, DocumentForm.PDF, requester=passport_office
        )
    with pytest.raises(ConsentNotFound):
        await service.authorize_read(
            "c0ffee", MARKSHEET, DocumentForm.PDF, requester=iit_madras
        )

    assert (await Consent.get(id=consent.id)).reads == 0
    assert await kinds(meera) == ["consent_granted"]


async def test_concurrent_reads_never_pass_the_read_limit(
    service: ConsentService,
    log: ActivityLog,
    meera: Account,
    iit_madras: Requester,
    sms: MemorySmsSender,
) -> None:
    consent = await admission_consent(service, meera, iit_madras, max_reads=3)

    async def read() -> str:
        try:
            await service.authorize_read(
                consent.id, MARKSHEET, DocumentForm.PDF, requester=iit_madras
            )
        except ReadLimitReached:
            return "refused"
        return "read"

    outcomes = await asyncio.gather(*(read() for _ in range(12)))

    assert sorted(outcomes) == ["read"] * 3 + ["refused"] * 9
    assert (await Consent.get(id=consent.id)).reads == 3
    assert await kinds(meera) == ["consent_granted"] + ["document_read"] * 3
    assert (await log.verify_chain(meera.id)).intact
    first_read_notices = [m for m in sms.messages if "started reading" in m.text]
    assert len(first_read_notices) == 1


async def test_the_whole_story_makes_one_unbroken_chain(
    service: ConsentService,
    log: ActivityLog,
    clock: FrozenClock,
    meera: Account,
    iit_madras: Requester,
    passport_office: Requester,
    sms: MemorySmsSender,
) -> None:
    await service.deny(meera, passport_office, purpose_code="IDENTITY")
    consent = await admission_consent(service, meera, iit_madras)
    for form in (DocumentForm.METADATA, DocumentForm.PDF):
        clock.advance(90)
        await service.authorize_read(consent.id, MARKSHEET, form, requester=iit_madras)
    clock.advance(3600)
    await service.revoke(meera, consent.id)

    report = await log.verify_chain(meera.id)

    assert report.intact
    assert await kinds(meera) == [
        "consent_denied",
        "consent_granted",
        "document_read",
        "document_read",
        "consent_revoked",
    ]
    # A notice on the grant, the first read and the revocation: nothing more.
    assert [message.mobile for message in sms.messages] == [MEERA_MOBILE] * 3


async def test_a_notice_that_cannot_be_sent_does_not_undo_the_grant(
    tmp_path: Path,
    settings: Settings,
    clock: FrozenClock,
    meera: Account,
    iit_madras: Requester,
) -> None:
    class GatewayDown:
        async def send(self, mobile: str, text: str) -> None:
            raise SmsDeliveryFailed("The text message could not be sent just now.")

    service = ConsentService(
        settings,
        clock,
        GatewayDown(),
        ActivityLog(clock),
        ConsentKeyStore(tmp_path / "consent-keys"),
    )

    consent = await admission_consent(service, meera, iit_madras)

    assert (await Consent.get(id=consent.id)).status == "active"
    assert await kinds(meera) == ["consent_granted"]
