"""A scaffolded adapter, installed as a package, serves its documents from a locker.

The journey an issuer's adapter is written for, end to end: ``python -m cli
new-adapter`` writes the package, pip builds and installs it (offline, into a
folder of its own), a real ``python -m cli serve`` process finds it through
its entry point, and a resident who signed up and linked Aadhaar over the API
pulls a marksheet from it and reads it, signed in the board's name.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from demo import queries
from demo.journey import Journey
from services.documents.xml_signing import verify_certificate
from tests.support.server import ROOT, running_server

ISSUER_ID = "in.gov.himalayanboard"
BOARD = "Himalayan State Board of School Education"
# A sandbox eKYC resident (services/identity/sandbox_residents.json) whose
# name and date of birth the scaffold's sample register carries.
MEERA_AADHAAR = "370342366710"
MEERA_MOBILE = "9412012345"


def run(*command: str, cwd: Path = ROOT) -> None:
    done = subprocess.run(  # noqa: S603 - our own interpreter and tools
        [sys.executable, "-m", *command],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture
def installed_adapter(tmp_path: Path) -> Path:
    """The scaffolded package, built and installed into a folder of its own."""
    source = tmp_path / "himalayan-board-adapter"
    site = tmp_path / "site"
    run("cli", "new-adapter", str(source), "--issuer-id", ISSUER_ID, "--name", BOARD)
    run(
        "pip",
        "install",
        "--quiet",
        "--no-deps",
        "--no-index",
        "--no-build-isolation",
        "--target",
        str(site),
        str(source),
    )
    return site


@pytest.fixture
def server(
    installed_adapter: Path,
    tmp_path: Path,
    database_url: str,
    keys_dir: Path,
    db: None,
) -> Iterator[str]:
    """``python -m cli serve`` with the installed adapter on its path."""
    python_path = os.pathsep.join(
        filter(None, [str(installed_adapter), os.environ.get("PYTHONPATH")])
    )
    with running_server(
        database_url=database_url,
        data_dir=tmp_path / "data",
        keys_dir=keys_dir,
        log_path=tmp_path / "server.log",
        settings={"PYTHONPATH": python_path},
    ) as running:
        yield running.url


async def answer(journey: Journey, document: str, **variables: Any) -> Any:
    """The one field ``document`` asks for; the test fails on a Problem."""
    data = await journey.call(document, **variables)
    (result,) = data.values()
    assert "code" not in result, result
    return result


async def link_meeras_aadhaar(journey: Journey, http: httpx.AsyncClient) -> None:
    started = await answer(journey, queries.START_AADHAAR_LINK, aadhaar=MEERA_AADHAAR)
    otp = await journey.latest_otp(http, MEERA_MOBILE)
    await answer(
        journey,
        queries.CONFIRM_AADHAAR_LINK,
        transactionId=started["transactionId"],
        otp=otp,
    )


async def test_an_installed_scaffolded_adapter_serves_its_documents(
    server: str,
) -> None:
    journey = Journey(server, out=lambda line: None)
    issuers = await answer(journey, queries.ISSUERS)
    board = next(issuer for issuer in issuers if issuer["id"] == ISSUER_ID)
    assert board["name"] == BOARD
    assert board["docTypes"] == [
        {
            "code": "HSCER",
            "name": "Class XII Marksheet",
            "lookupFields": [
                {
                    "name": "rollNumber",
                    "label": "Roll number",
                    "example": "24310457",
                    "pattern": "[0-9]{8}",
                },
                {
                    "name": "year",
                    "label": "Year of the examination",
                    "example": "2024",
                    "pattern": "(19|20)[0-9]{2}",
                },
            ],
        }
    ]

    async with httpx.AsyncClient(base_url=server, timeout=120) as http:
        username, password = await journey.sign_up(http)
        await journey.log_in(username, password)
        await link_meeras_aadhaar(journey, http)
        pulled = await answer(
            journey,
            queries.PULL_DOCUMENT,
            issuerId=ISSUER_ID,
            docType="HSCER",
            lookup=[
                {"name": "rollNumber", "value": "06120418"},
                {"name": "year", "value": "2006"},
            ],
        )
        uri = pulled["document"]["uri"]
        read = await answer(journey, queries.DOCUMENT, uri=uri)
        pdf = await http.get(read["content"]["pdf"]["url"])

    assert uri == f"{ISSUER_ID}-HSCER-200606120418"
    assert read["issuer"] == {"name": BOARD}
    content = read["content"]
    assert (content["status"], content["holderName"]) == ("ACTIVE", "MEERA JOSHI")
    verified = verify_certificate(
        content["xml"].encode(), board["certificate"].encode()
    )
    performance = verified.find("CertificateData/Performance")
    assert performance is not None
    assert performance.get("marksTotal") == "371"
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
