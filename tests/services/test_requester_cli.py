"""The operator's requester commands: rotate a secret, deactivate, list."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from joserfc.jwk import RSAKey

from adapters.registry import AdapterRegistry
from config.settings import Settings
from models import Account, Consent, IssuedDocument, OAuthToken, Requester
from services.activity import ActivityLog
from services.clock import FrozenClock
from services.consents import ConsentKeyStore, ConsentService
from services.errors import InvalidCredentials
from services.oauth import IssuedTokens, TokenService
from services.requesters import Purpose, RequesterRegistry
from services.sms import MemorySmsSender

ROOT = Path(__file__).parents[2]

MARKSHEET = "in.gov.cbse-HSCER-202416612345"
LICENCE = "in.gov.transport-DRVLC-MH1220190012345"
ADMISSION = Purpose("ADMISSION", "Verify Class XII marks for admission")
EMPLOYMENT = Purpose("EMPLOYMENT_VERIFICATION", "Confirm the driving licence")


@pytest.fixture(scope="module")
def adapters() -> AdapterRegistry:
    return AdapterRegistry.discover()


@pytest.fixture
def requesters(
    database: None, settings: Settings, adapters: AdapterRegistry
) -> RequesterRegistry:
    return RequesterRegistry(settings.secret_key.get_secret_value(), adapters)


@pytest.fixture
def tokens(clock: FrozenClock) -> TokenService:
    return TokenService(clock, access_token_seconds=600)


@pytest.fixture
def consents(
    tmp_path: Path, settings: Settings, clock: FrozenClock, sms: MemorySmsSender
) -> ConsentService:
    keys = ConsentKeyStore(tmp_path / "keys" / "consent")
    return ConsentService(settings, clock, sms, ActivityLog(clock), keys)


@pytest.fixture
async def meera(database: None) -> Account:
    """Meera Krishnan, with her Class XII marksheet and driving licence."""
    account = await Account.create(
        username="meera.krishnan", mobile="9876509876", password_hash="not-used"
    )
    for uri, name in [(MARKSHEET, "Class XII Marksheet"), (LICENCE, "Licence")]:
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


async def register(
    requesters: RequesterRegistry, org_id: str, name: str, purpose: Purpose, doc: str
) -> tuple[Requester, str]:
    requester, secret = await requesters.register(
        org_id, name, [f"https://{org_id}.example.in/callback"], [purpose], [doc]
    )
    assert secret is not None

    return requester, secret


async def tokens_under_consent(
    consents: ConsentService,
    tokens: TokenService,
    account: Account,
    requester: Requester,
    purpose: Purpose,
    uri: str,
) -> IssuedTokens:
    consent = await consents.grant(
        account,
        requester,
        purpose_code=purpose.code,
        documents=[(uri, ["metadata", "xml"])],
        valid_for=timedelta(days=30),
        max_reads=None,
    )
    return await tokens.issue(requester, consent)


def cli_command(
    settings: Settings, database_url: str, data_dir: Path, *arguments: str
) -> subprocess.CompletedProcess[str]:
    """``python -m cli …`` in its own process, on the test database."""
    environment = {
        name: value for name, value in os.environ.items() if name != "REDIS_URL"
    }
    environment |= {
        "DATABASE_URL": database_url,
        "LOCKER_DATA_DIR": str(data_dir),
        "LOCKER_SECRET_KEY": settings.secret_key.get_secret_value(),
    }

    return subprocess.run(  # noqa: S603 - the test's own arguments
        [sys.executable, "-m", "cli", *arguments],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def cells(line: str) -> list[str]:
    """The columns of a line of ``list-requesters``, split at runs of spaces."""
    return re.split(r"\s{2,}", line.strip())


def printed_secret(stdout: str) -> str:
    (line,) = [line for line in stdout.splitlines() if line.startswith("client secret")]
    return line.split(": ", 1)[1].strip()


# rotate-requester-secret


async def test_rotating_prints_a_new_secret_and_the_old_one_stops_working(
    requesters: RequesterRegistry,
    settings: Settings,
    database_url: str,
    tmp_path: Path,
) -> None:
    iitm, old_secret = await register(
        requesters, "iitm", "IIT Madras", ADMISSION, "HSCER"
    )
    client_id = iitm.client_id or ""

    finished = cli_command(
        settings, database_url, tmp_path, "rotate-requester-secret", client_id
    )

    assert finished.returncode == 0, finished.stderr
    new_secret = printed_secret(finished.stdout)
    assert new_secret != old_secret
    assert "shown only this once" in finished.stdout
    assert (await requesters.authenticate_secret(client_id, new_secret)).org_id == (
        "iitm"
    )
    with pytest.raises(InvalidCredentials):
        await requesters.authenticate_secret(client_id, old_secret)
    assert new_secret not in finished.stderr


async def test_rotating_refuses_a_requester_that_signs_with_its_keys(
    requesters: RequesterRegistry,
    settings: Settings,
    database_url: str,
    tmp_path: Path,
) -> None:
    key = RSAKey.generate_key(2048, parameters={"kid": "tcs-hiring-2026"})
    tcs, _ = await requesters.register(
        "tcs-hiring",
        "Tata Consultancy Services",
        ["https://hiring.tcs.com/oauth/locker"],
        [EMPLOYMENT],
        ["DRVLC"],
        jwks={"keys": [key.as_dict(private=False)]},
    )

    finished = cli_command(
        settings,
        database_url,
        tmp_path,
        "rotate-requester-secret",
        tcs.client_id or "",
    )

    assert finished.returncode == 1
    assert finished.stdout == ""
    assert "refused: This requester signs in with its keys" in finished.stderr
    assert (await requesters.get(tcs.client_id or "")).client_secret_hash is None


async def test_rotating_an_unknown_client_id_says_so(
    requesters: RequesterRegistry,
    settings: Settings,
    database_url: str,
    tmp_path: Path,
) -> None:
    finished = cli_command(
        settings, database_url, tmp_path, "rotate-requester-secret", "rq_nobody"
    )

    assert finished.returncode == 1
    assert "refused: No requester has the client id 'rq_nobody'" in finished.stderr


# deactivate-requester


async def test_deactivating_stops_sign_in_and_revokes_only_that_requesters_tokens(
    requesters: RequesterRegistry,
    consents: ConsentService,
    tokens: TokenService,
    meera: Account,
    settings: Settings,
    database_url: str,
    tmp_path: Path,
) -> None:
    iitm, iitm_secret = await register(
        requesters, "iitm", "IIT Madras", ADMISSION, "HSCER"
    )
    infosys, _ = await register(
        requesters, "infosys", "Infosys Limited", EMPLOYMENT, "DRVLC"
    )
    first = await tokens_under_consent(
        consents, tokens, meera, iitm, ADMISSION, MARKSHEET
    )
    second = await tokens_under_consent(
        consents, tokens, meera, iitm, ADMISSION, MARKSHEET
    )
    kept = await tokens_under_consent(
        consents, tokens, meera, infosys, EMPLOYMENT, LICENCE
    )

    finished = cli_command(
        settings,
        database_url,
        tmp_path,
        "deactivate-requester",
        iitm.client_id or "",
    )

    assert finished.returncode == 0, finished.stderr
    assert "Deactivated IIT Madras (iitm)" in finished.stdout
    assert "2 of its tokens were revoked" in finished.stdout
    assert "2 active consents given to it ended" in finished.stdout
    statuses = {
        consent.requester_id: consent.status
        for consent in await Consent.filter(account_id=meera.id)
    }
    assert statuses == {iitm.id: "revoked", infosys.id: "active"}
    for pair in (first, second):
        row = await OAuthToken.get(id=pair.row.id)
        assert row.revoked_at is not None
        assert await tokens.access_token_row(pair.access_token) is None
    assert (await OAuthToken.get(id=kept.row.id)).revoked_at is None
    assert await tokens.access_token_row(kept.access_token) is not None
    with pytest.raises(InvalidCredentials):
        await requesters.authenticate_secret(iitm.client_id or "", iitm_secret)


async def test_tokens_stay_revoked_if_the_requester_is_switched_back_on(
    requesters: RequesterRegistry,
    consents: ConsentService,
    tokens: TokenService,
    meera: Account,
    settings: Settings,
    database_url: str,
    tmp_path: Path,
) -> None:
    iitm, _ = await register(requesters, "iitm", "IIT Madras", ADMISSION, "HSCER")
    issued = await tokens_under_consent(
        consents, tokens, meera, iitm, ADMISSION, MARKSHEET
    )
    cli_command(
        settings, database_url, tmp_path, "deactivate-requester", iitm.client_id or ""
    )

    await Requester.filter(id=iitm.id).update(active=True)

    assert await tokens.access_token_row(issued.access_token) is None


# list-requesters


async def test_listing_shows_each_requester_without_secrets(
    requesters: RequesterRegistry,
    settings: Settings,
    database_url: str,
    tmp_path: Path,
) -> None:
    iitm, iitm_secret = await register(
        requesters, "iitm", "Indian Institute of Technology Madras", ADMISSION, "HSCER"
    )
    infosys, infosys_secret = await register(
        requesters, "infosys", "Infosys Limited", EMPLOYMENT, "DRVLC"
    )
    await requesters.deactivate(infosys.client_id or "")

    finished = cli_command(settings, database_url, tmp_path, "list-requesters")

    assert finished.returncode == 0, finished.stderr
    header, *rows = [cells(line) for line in finished.stdout.splitlines()]
    assert header == ["client id", "org id", "name", "active", "auth method"]
    assert rows == [
        [
            iitm.client_id,
            "iitm",
            "Indian Institute of Technology Madras",
            "yes",
            "client_secret_basic",
        ],
        [infosys.client_id, "infosys", "Infosys Limited", "no", "client_secret_basic"],
    ]
    for secret in (iitm_secret, infosys_secret):
        assert secret not in finished.stdout
    assert iitm.client_secret_hash is not None
    assert iitm.client_secret_hash not in finished.stdout


async def test_listing_with_no_requesters_says_so(
    database: None, settings: Settings, database_url: str, tmp_path: Path
) -> None:
    finished = cli_command(settings, database_url, tmp_path, "list-requesters")

    assert finished.returncode == 0, finished.stderr
    assert finished.stdout.strip() == "No requesters are registered."
