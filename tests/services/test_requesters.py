"""Requester onboarding: what the operator may register, and how secrets are kept."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from joserfc.jwk import ECKey, OctKey, OKPKey, RSAKey
from tortoise import connections

from adapters.registry import AdapterRegistry
from config.settings import Settings
from models import Requester
from services.errors import InvalidArgument, InvalidCredentials, UnknownDocType
from services.requesters import Purpose, RequesterRegistry, jwks_from_json

ROOT = Path(__file__).parents[2]

IITM_CALLBACK = "https://admissions.iitm.ac.in/locker/callback"
ADMISSION = Purpose("ADMISSION", "Verify Class XII marks for admission")
EMPLOYMENT = Purpose(
    "EMPLOYMENT_VERIFICATION", "Confirm the PAN and driving licence of a new hire"
)


@pytest.fixture(scope="module")
def adapters() -> AdapterRegistry:
    return AdapterRegistry.discover()


@pytest.fixture
def requesters(
    database: None, settings: Settings, adapters: AdapterRegistry
) -> RequesterRegistry:
    return RequesterRegistry(settings.secret_key.get_secret_value(), adapters)


@pytest.fixture(scope="module")
def tcs_signing_key() -> RSAKey:
    """The key pair TCS's hiring portal signs its client assertions with."""
    return RSAKey.generate_key(2048, parameters={"kid": "tcs-hiring-2026"})


async def register_iitm(requesters: RequesterRegistry) -> tuple[Requester, str]:
    requester, secret = await requesters.register(
        "iitm",
        "Indian Institute of Technology Madras",
        [IITM_CALLBACK],
        [ADMISSION],
        ["HSCER", "SSCER"],
    )
    assert secret is not None

    return requester, secret


# Registering with a client secret


async def test_registering_gives_a_client_id_and_a_secret_that_authenticates(
    requesters: RequesterRegistry,
) -> None:
    requester, secret = await register_iitm(requesters)

    authenticated = await requesters.authenticate_secret(
        requester.client_id or "", secret
    )

    assert requester.client_id is not None
    assert requester.client_id.startswith("rq_")
    assert requester.auth_method == "client_secret_basic"
    assert authenticated.org_id == "iitm"
    assert authenticated.redirect_uris == [IITM_CALLBACK]
    assert authenticated.purposes == [
        {"code": "ADMISSION", "text": "Verify Class XII marks for admission"}
    ]
    assert authenticated.doc_types == ["HSCER", "SSCER"]


async def test_the_database_never_holds_the_client_secret(
    requesters: RequesterRegistry,
) -> None:
    requester, secret = await register_iitm(requesters)

    _, rows = await connections.get("default").execute_query(
        'SELECT * FROM "requester"'
    )

    assert len(rows) == 1
    assert secret not in json.dumps([str(value) for value in dict(rows[0]).values()])
    assert requester.client_secret_hash is not None
    assert len(requester.client_secret_hash) == 64


async def test_two_requesters_get_different_ids_and_secrets(
    requesters: RequesterRegistry,
) -> None:
    iitm, iitm_secret = await register_iitm(requesters)
    tcs, tcs_secret = await requesters.register(
        "tcs-hiring",
        "Tata Consultancy Services",
        ["https://hiring.tcs.com/oauth/locker"],
        [EMPLOYMENT],
        ["PANCR", "DRVLC"],
    )

    assert iitm.client_id != tcs.client_id
    assert iitm_secret != tcs_secret
    assert iitm.client_secret_hash != tcs.client_secret_hash


async def test_a_wrong_secret_is_refused(requesters: RequesterRegistry) -> None:
    requester, secret = await register_iitm(requesters)

    with pytest.raises(InvalidCredentials):
        await requesters.authenticate_secret(requester.client_id or "", secret[:-1])


async def test_an_unknown_client_id_is_refused_like_a_wrong_secret(
    requesters: RequesterRegistry,
) -> None:
    _, secret = await register_iitm(requesters)

    with pytest.raises(InvalidCredentials) as refused:
        await requesters.authenticate_secret("rq_no-such-client", secret)

    assert refused.value.message == "Wrong client id or client secret."


async def test_a_secret_does_not_authenticate_another_requester(
    requesters: RequesterRegistry,
) -> None:
    _, iitm_secret = await register_iitm(requesters)
    tcs, _ = await requesters.register(
        "tcs-hiring",
        "Tata Consultancy Services",
        ["https://hiring.tcs.com/oauth/locker"],
        [EMPLOYMENT],
        ["PANCR"],
    )

    with pytest.raises(InvalidCredentials):
        await requesters.authenticate_secret(tcs.client_id or "", iitm_secret)


async def test_a_deactivated_requester_cannot_authenticate(
    requesters: RequesterRegistry,
) -> None:
    requester, secret = await register_iitm(requesters)
    client_id = requester.client_id or ""

    deactivated = await requesters.deactivate(client_id)

    assert deactivated.active is False
    assert (await requesters.get(client_id)).active is False
    with pytest.raises(InvalidCredentials):
        await requesters.authenticate_secret(client_id, secret)


async def test_rotating_the_secret_retires_the_old_one_at_once(
    requesters: RequesterRegistry,
) -> None:
    requester, old_secret = await register_iitm(requesters)
    client_id = requester.client_id or ""

    new_secret = await requesters.rotate_secret(client_id)

    assert new_secret != old_secret
    assert (await requesters.authenticate_secret(client_id, new_secret)).org_id == (
        "iitm"
    )
    with pytest.raises(InvalidCredentials):
        await requesters.authenticate_secret(client_id, old_secret)


async def test_a_deactivated_requester_gets_no_new_secret(
    requesters: RequesterRegistry,
) -> None:
    requester, _ = await register_iitm(requesters)
    await requesters.deactivate(requester.client_id or "")

    with pytest.raises(InvalidArgument) as refused:
        await requesters.rotate_secret(requester.client_id or "")

    assert refused.value.field == "clientId"


async def test_an_org_id_is_registered_once(requesters: RequesterRegistry) -> None:
    await register_iitm(requesters)

    with pytest.raises(InvalidArgument) as refused:
        await requesters.register(
            "iitm",
            "IIT Madras (again)",
            ["https://iitm.ac.in/other/callback"],
            [ADMISSION],
            ["HSCER"],
        )

    assert refused.value.field == "orgId"
    assert "already registered" in refused.value.message
    assert await Requester.all().count() == 1


async def test_the_list_holds_every_requester_by_org_id_and_get_finds_one(
    requesters: RequesterRegistry,
) -> None:
    iitm, _ = await register_iitm(requesters)
    await requesters.register(
        "passport-rpo-chennai",
        "Regional Passport Office, Chennai",
        ["https://passport.gov.in/locker/return"],
        [Purpose("PASSPORT", "Check the birth date on a Class X certificate")],
        ["SSCER"],
    )

    listed = await requesters.list()
    found = await requesters.get(iitm.client_id or "")

    assert [requester.org_id for requester in listed] == [
        "iitm",
        "passport-rpo-chennai",
    ]
    assert found.name == "Indian Institute of Technology Madras"
    with pytest.raises(InvalidArgument):
        await requesters.get("rq_unknown")


# What registration refuses, field by field


async def _refusal(requesters: RequesterRegistry, **changes: Any) -> InvalidArgument:
    """Register IIT Madras with ``changes``; answer the refusal, check nothing kept."""
    arguments: dict[str, Any] = {
        "org_id": "iitm",
        "name": "Indian Institute of Technology Madras",
        "redirect_uris": [IITM_CALLBACK],
        "purposes": [ADMISSION],
        "doc_types": ["HSCER"],
        **changes,
    }
    with pytest.raises(InvalidArgument) as refused:
        await requesters.register(**arguments)
    assert await Requester.all().count() == 0

    return refused.value


@pytest.mark.parametrize(
    "org_id",
    [
        "",
        "IITM",
        "iit madras",
        "iit_m",
        "-iitm",
        "iitm-",
        "iit--m",
        "iitm.ac.in",
        "x" * 101,
    ],
)
async def test_an_org_id_must_be_a_slug(
    requesters: RequesterRegistry, org_id: str
) -> None:
    refused = await _refusal(requesters, org_id=org_id)

    assert refused.field == "orgId"


@pytest.mark.parametrize(
    ("uri", "reason"),
    [
        ("http://admissions.iitm.ac.in/locker/callback", "uses http"),
        ("https://admissions.iitm.ac.in/locker/callback#done", "fragment"),
        ("https://admissions.iitm.ac.in/locker/callback#", "fragment"),
        ("https://*.iitm.ac.in/locker/callback", "wildcard"),
        ("https://admissions.iitm.ac.in/locker/*", "wildcard"),
        ("/locker/callback", "not absolute"),
        ("admissions.iitm.ac.in/locker/callback", "not absolute"),
        ("https:///locker/callback", "not absolute"),
        ("https://registrar@admissions.iitm.ac.in/cb", "user name"),
        ("https://admissions.iitm.ac.in/locker call", "characters"),
        ("https://admissions.iitm.ac.in\\@evil.example/cb", "characters"),
        ("https://प्रवेश.iitm.ac.in/callback", "characters"),
        ("https://admissions.iitm.ac.in:99999/callback", "well-formed"),
        ("ftp://admissions.iitm.ac.in/callback", "https"),
        ("javascript:alert(1)", "not absolute"),
        ("http://localhost.evil.example/callback", "uses http"),
        # A CSP cannot name an IPv6 address: the consent page's form could not
        # send the resident back there.
        ("http://[::1]:8080/cb", "IPv6"),
        ("https://[2001:db8::7]/locker/callback", "IPv6"),
    ],
)
async def test_a_redirect_uri_must_be_exact_absolute_and_https(
    requesters: RequesterRegistry, uri: str, reason: str
) -> None:
    refused = await _refusal(requesters, redirect_uris=[IITM_CALLBACK, uri])

    assert refused.field == "redirectUris"
    assert reason in refused.message


async def test_at_least_one_redirect_uri_is_needed(
    requesters: RequesterRegistry,
) -> None:
    refused = await _refusal(requesters, redirect_uris=[])

    assert refused.field == "redirectUris"


@pytest.mark.parametrize(
    "uri",
    [
        "http://127.0.0.1:8765/callback",
        "http://localhost:3000/locker/callback",
        "https://admissions.iitm.ac.in/locker/callback?source=locker",
    ],
)
async def test_loopback_http_and_query_strings_are_allowed(
    requesters: RequesterRegistry, uri: str
) -> None:
    requester, _ = await requesters.register(
        "iitm-dev", "IIT Madras (developers)", [uri], [ADMISSION], ["HSCER"]
    )

    assert requester.redirect_uris == [uri]


@pytest.mark.parametrize(
    ("purposes", "wrong"),
    [
        ([], "at least one"),
        ([Purpose("admission", "Verify marks")], "not a purpose code"),
        ([Purpose("ADMISSION CHECK", "Verify marks")], "not a purpose code"),
        ([Purpose("_ADMISSION", "Verify marks")], "not a purpose code"),
        ([Purpose("A" * 33, "Verify marks")], "not a purpose code"),
        ([Purpose("ADMISSION", "   ")], "empty"),
        ([Purpose("ADMISSION", "x" * 301)], "over 300"),
        ([Purpose("ADMISSION", "Verify\u202emarks")], "control"),
        ([ADMISSION, Purpose("ADMISSION", "Verify Class X marks")], "twice"),
    ],
)
async def test_purposes_need_a_code_and_a_text(
    requesters: RequesterRegistry, purposes: list[Purpose], wrong: str
) -> None:
    refused = await _refusal(requesters, purposes=purposes)

    assert refused.field == "purposes"
    assert wrong in refused.message


@pytest.mark.parametrize("name", ["", "   ", "x" * 201, "IIT\x00Madras"])
async def test_the_organisation_needs_a_plain_name(
    requesters: RequesterRegistry, name: str
) -> None:
    refused = await _refusal(requesters, name=name)

    assert refused.field == "name"


async def test_doc_types_must_be_ones_an_issuer_declares(
    requesters: RequesterRegistry,
) -> None:
    with pytest.raises(UnknownDocType) as refused:
        await requesters.register(
            "iitm", "IIT Madras", [IITM_CALLBACK], [ADMISSION], ["HSCER", "GATESC"]
        )

    assert refused.value.field == "docTypes"
    assert "GATESC" in refused.value.message
    assert "HSCER" in refused.value.message  # the known ones are listed
    assert await Requester.all().count() == 0


async def test_at_least_one_doc_type_is_needed(requesters: RequesterRegistry) -> None:
    refused = await _refusal(requesters, doc_types=[])

    assert refused.field == "docTypes"


def test_a_purpose_is_written_code_colon_text_on_the_command_line() -> None:
    parsed = Purpose.parse("ADMISSION: Verify Class XII marks: Physics, Maths")

    assert parsed == Purpose("ADMISSION", "Verify Class XII marks: Physics, Maths")
    with pytest.raises(InvalidArgument):
        Purpose.parse("Verify Class XII marks")


# Registering with public keys (private_key_jwt)


async def test_a_requester_with_public_keys_gets_no_secret(
    requesters: RequesterRegistry, tcs_signing_key: RSAKey
) -> None:
    jwks = {"keys": [tcs_signing_key.as_dict(private=False)]}

    requester, secret = await requesters.register(
        "tcs-hiring",
        "Tata Consultancy Services",
        ["https://hiring.tcs.com/oauth/locker"],
        [EMPLOYMENT],
        ["PANCR"],
        jwks=jwks,
    )

    assert secret is None
    assert requester.auth_method == "private_key_jwt"
    assert requester.client_secret_hash is None
    assert requester.jwks is not None
    (stored,) = requester.jwks["keys"]
    assert stored["kid"] == "tcs-hiring-2026"
    assert stored["n"] == tcs_signing_key.as_dict(private=False)["n"]
    with pytest.raises(InvalidCredentials):
        await requesters.authenticate_secret(requester.client_id or "", "")
    with pytest.raises(InvalidArgument):
        await requesters.rotate_secret(requester.client_id or "")


async def test_ec_and_ed25519_keys_are_accepted_and_given_kids(
    requesters: RequesterRegistry,
) -> None:
    jwks = {
        "keys": [
            ECKey.generate_key("P-256").as_dict(private=False),
            OKPKey.generate_key("Ed25519").as_dict(private=False),
        ]
    }

    requester, _ = await requesters.register(
        "tcs-hiring",
        "Tata Consultancy Services",
        ["https://hiring.tcs.com/oauth/locker"],
        [EMPLOYMENT],
        ["PANCR"],
        jwks=jwks,
    )

    assert requester.jwks is not None
    assert all(key["kid"] for key in requester.jwks["keys"])


def _jwks_of(*keys: dict[str, Any]) -> dict[str, Any]:
    return {"keys": list(keys)}


def _weak_rsa_public_jwk() -> dict[str, str]:
    """A 1024-bit RSA public key as a JWK, written out by hand: joserfc itself
    warns on making one."""
    weak = rsa.generate_private_key(65537, 1024)  # noqa: S505 - refused below
    numbers = weak.public_key().public_numbers()

    def encoded(number: int) -> str:
        raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    return {"kty": "RSA", "n": encoded(numbers.n), "e": encoded(numbers.e)}


@pytest.mark.parametrize(
    ("jwks", "wrong"),
    [
        (
            lambda key: _jwks_of(key.as_dict(private=True)),
            "private key",
        ),
        (
            lambda key: _jwks_of(OctKey.generate_key(256).as_dict(private=True)),
            "symmetric",
        ),
        (
            lambda key: _jwks_of(_weak_rsa_public_jwk()),
            "under 2048 bits",
        ),
        (
            lambda key: _jwks_of(OKPKey.generate_key("X25519").as_dict(private=False)),
            "curve",
        ),
        (
            lambda key: _jwks_of({**key.as_dict(private=False), "use": "enc"}),
            "encryption",
        ),
        (
            lambda key: _jwks_of(
                key.as_dict(private=False), key.as_dict(private=False)
            ),
            "share one kid",
        ),
        (lambda key: _jwks_of({"kty": "RSA", "n": "AQAB"}), "does not parse"),
        (lambda key: _jwks_of(), "at least one key"),
        (lambda key: {"key": [key.as_dict(private=False)]}, "at least one key"),
        (lambda key: _jwks_of({"kty": "PGP"}), "type 'PGP'"),
    ],
)
async def test_a_jwks_must_hold_only_public_signing_keys(
    requesters: RequesterRegistry, tcs_signing_key: RSAKey, jwks: Any, wrong: str
) -> None:
    refused = await _refusal(requesters, jwks=jwks(tcs_signing_key))

    assert refused.field == "jwks"
    assert wrong in refused.message


@pytest.mark.parametrize("text", ["{keys: []}", "[]", '"keys"'])
def test_a_jwks_is_a_json_object(text: str) -> None:
    with pytest.raises(InvalidArgument) as refused:
        jwks_from_json(text)

    assert refused.value.field == "jwks"


# The operator's command


def register_requester_command(
    settings: Settings, database_url: str, data_dir: Path, *arguments: str
) -> subprocess.CompletedProcess[str]:
    """``python -m cli register-requester …`` in its own process."""
    environment = {
        name: value for name, value in os.environ.items() if name != "REDIS_URL"
    }
    environment |= {
        "DATABASE_URL": database_url,
        "LOCKER_DATA_DIR": str(data_dir),
        "LOCKER_SECRET_KEY": settings.secret_key.get_secret_value(),
    }

    return subprocess.run(  # noqa: S603 - the test's own arguments
        [sys.executable, "-m", "cli", "register-requester", *arguments],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


async def test_the_command_registers_and_prints_the_secret_once(
    requesters: RequesterRegistry,
    settings: Settings,
    database_url: str,
    tmp_path: Path,
) -> None:
    finished = register_requester_command(
        settings,
        database_url,
        tmp_path,
        "--org-id=iitm",
        "--name=Indian Institute of Technology Madras",
        f"--redirect-uri={IITM_CALLBACK}",
        "--purpose=ADMISSION:Verify Class XII marks for admission",
        "--doc-type=HSCER",
        "--doc-type=SSCER",
    )

    assert finished.returncode == 0, finished.stderr
    printed = dict(
        line.split(": ", 1) for line in finished.stdout.splitlines() if ": " in line
    )
    client_id = printed["client id"].strip()
    secret = printed["client secret"].strip()
    assert "shown only this once" in finished.stdout
    stored = await requesters.authenticate_secret(client_id, secret)
    assert stored.name == "Indian Institute of Technology Madras"
    assert stored.purposes == [
        {"code": "ADMISSION", "text": "Verify Class XII marks for admission"}
    ]
    assert stored.doc_types == ["HSCER", "SSCER"]
    assert secret not in finished.stderr  # the server log never shows it


async def test_the_command_registers_a_jwks_file_without_a_secret(
    requesters: RequesterRegistry,
    settings: Settings,
    database_url: str,
    tmp_path: Path,
    tcs_signing_key: RSAKey,
) -> None:
    keys_file = tmp_path / "tcs-jwks.json"
    keys_file.write_text(
        json.dumps({"keys": [tcs_signing_key.as_dict(private=False)]}),
        encoding="utf-8",
    )

    finished = register_requester_command(
        settings,
        database_url,
        tmp_path,
        "--org-id=tcs-hiring",
        "--name=Tata Consultancy Services",
        "--redirect-uri=https://hiring.tcs.com/oauth/locker",
        "--purpose=EMPLOYMENT_VERIFICATION:Confirm the PAN of a new hire",
        "--doc-type=PANCR",
        f"--jwks-file={keys_file}",
    )

    assert finished.returncode == 0, finished.stderr
    assert "client secret" not in finished.stdout
    assert "private_key_jwt" in finished.stdout
    (stored,) = await requesters.list()
    assert stored.auth_method == "private_key_jwt"


async def test_the_command_refuses_bad_input_in_plain_words(
    requesters: RequesterRegistry,
    settings: Settings,
    database_url: str,
    tmp_path: Path,
) -> None:
    finished = register_requester_command(
        settings,
        database_url,
        tmp_path,
        "--org-id=iitm",
        "--name=Indian Institute of Technology Madras",
        "--redirect-uri=http://admissions.iitm.ac.in/locker/callback",
        "--purpose=ADMISSION:Verify Class XII marks for admission",
        "--doc-type=HSCER",
    )

    assert finished.returncode == 1
    assert finished.stdout == ""
    assert "refused: The redirect URI" in finished.stderr
    assert "only https is allowed" in finished.stderr
    assert await requesters.list() == []
