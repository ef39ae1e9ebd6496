"""The example requester (examples/requester) runs its whole flow, as documented.

The operator registers it with ``python -m cli register-requester``; a
resident, in headless Chromium, signs in on the consent page and allows; the
example exchanges the code with Authlib, reads and verifies what was shared,
refreshes, revokes, and sees the locker refuse the revoked token.
"""

from __future__ import annotations

import asyncio
import os
import re
import sys

import pytest
from playwright.async_api import Page

from examples.requester.redirect import catching_redirect
from examples.requester.requester import (
    ConsentAsk,
    ConsentRefused,
    LockerEndpoints,
    RequesterError,
    check_callback,
    run_requester,
)
from tests.support.consent_page import Decision, resident_on_the_page
from tests.support.locker import Resident, register_requester
from tests.support.server import ROOT, RunningServer

LOCKER = "http://127.0.0.1:8000"
CALLBACK = "http://127.0.0.1:8765/callback"
ENDPOINTS = LockerEndpoints(
    issuer=LOCKER,
    authorization_endpoint=f"{LOCKER}/oauth/authorize",
    token_endpoint=f"{LOCKER}/oauth/token",
    revocation_endpoint=f"{LOCKER}/oauth/revoke",
    sends_iss=True,
)


async def test_the_example_reads_what_the_resident_shared_and_revokes(
    locker: RunningServer, resident: Resident, page: Page
) -> None:
    iitm = register_requester(
        locker,
        org_id="iitm",
        name="Indian Institute of Technology Madras",
        purpose="ADMISSION:Verify Class XII marks for admission",
        doc_types=["HSCER"],
    )
    ask = ConsentAsk(
        scopes=["doctype/HSCER"],
        purpose="ADMISSION",
        forms=("metadata", "xml"),
        valid_for_days=7,
        max_reads=10,
    )
    allowing = resident_on_the_page(page, resident, Decision(), iitm.redirect_uri)
    lines: list[str] = []

    outcome = await run_requester(iitm, ask, allowing, out=lines.append)

    marksheet = resident.uri_of("HSCER")
    assert [read.uri for read in outcome.documents] == [marksheet]
    (read,) = outcome.documents
    assert read.name == "Class XII Marksheet"
    assert read.issuer_name == "Central Board of Secondary Education"
    assert read.xml is not None
    assert "Signature" in read.xml
    assert [again.uri for again in outcome.after_refresh] == [marksheet]
    assert outcome.refused_after_revoking == "NOT_AUTHENTICATED"
    transcript = "\n".join(lines)
    assert f"Read {marksheet} (METADATA, XML): Class XII Marksheet" in transcript
    assert "Refreshed the token" in transcript


async def test_the_example_program_runs_from_the_command_line(
    locker: RunningServer, resident: Resident, page: Page
) -> None:
    iitm = register_requester(
        locker,
        org_id="iitm",
        name="Indian Institute of Technology Madras",
        purpose="ADMISSION:Verify Class XII marks for admission",
        doc_types=["HSCER"],
    )
    program = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "examples.requester.requester",
        f"--locker={locker.url}",
        f"--client-id={iitm.client_id}",
        f"--redirect-uri={iitm.redirect_uri}",
        "--scope=doctype/HSCER",
        "--purpose=ADMISSION",
        "--forms",
        "metadata",
        "xml",
        "--no-browser",
        cwd=ROOT,
        env={**os.environ, "OPENLOCKER_CLIENT_SECRET": iitm.client_secret},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert program.stdout is not None
    printed: list[str] = []
    while not printed or not printed[-1].startswith("http"):
        line = await program.stdout.readline()
        assert line, "the program ended before printing the address to open"
        printed.append(line.decode().strip())

    await resident_on_the_page(page, resident, Decision(), iitm.redirect_uri)(
        printed[-1]
    )
    rest, errors = await program.communicate()

    assert program.returncode == 0, errors.decode()
    transcript = "\n".join(printed) + "\n" + rest.decode()
    marksheet = resident.uri_of("HSCER")
    assert f"Read {marksheet} (METADATA, XML): Class XII Marksheet" in transcript
    assert "Revoked; the locker now answers NOT_AUTHENTICATED" in transcript
    assert transcript.rstrip().endswith("Done.")
    assert iitm.client_secret not in transcript + errors.decode()


def test_a_redirect_with_another_state_is_ignored() -> None:
    callback = f"{CALLBACK}?code=abc&state=forged&iss={LOCKER}"

    with pytest.raises(RequesterError, match="state"):
        check_callback(callback, "sent-state", ENDPOINTS)


@pytest.mark.parametrize(
    "issuer", ["&iss=https://evil.example", ""], ids=["another", "missing"]
)
def test_a_redirect_not_from_the_locker_asked_is_ignored(issuer: str) -> None:
    callback = f"{CALLBACK}?code=abc&state=s1{issuer}"

    with pytest.raises(RequesterError, match=re.escape(f"not {LOCKER}")):
        check_callback(callback, "s1", ENDPOINTS)


def test_a_denial_is_raised_with_the_lockers_reason() -> None:
    callback = (
        f"{CALLBACK}?error=access_denied&error_description=The+resident+said+no"
        f"&state=s1&iss={LOCKER}"
    )

    with pytest.raises(ConsentRefused) as refused:
        check_callback(callback, "s1", ENDPOINTS)

    assert refused.value.error == "access_denied"
    assert refused.value.description == "The resident said no"


def test_metadata_naming_another_issuer_is_refused() -> None:
    metadata = {
        "issuer": "https://evil.example",
        "authorization_endpoint": "https://evil.example/oauth/authorize",
        "token_endpoint": "https://evil.example/oauth/token",
        "revocation_endpoint": "https://evil.example/oauth/revoke",
    }

    with pytest.raises(RequesterError, match="names the issuer"):
        LockerEndpoints.from_metadata(metadata, LOCKER)


@pytest.mark.parametrize(
    "redirect_uri",
    ["https://admissions.iitm.ac.in/callback", "http://10.0.0.5:8765/callback"],
)
async def test_the_example_listens_only_on_a_loopback_redirect_uri(
    redirect_uri: str,
) -> None:
    refused = pytest.raises(ValueError, match="must be http on 127")

    with refused, catching_redirect(redirect_uri):
        pass
