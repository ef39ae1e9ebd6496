"""The public check of a document someone was handed, over HTTP.

Rohan Mehta pulls his driving licence and hands its XML and PDF to an
employer, who checks them without any account; the PDF's QR code leads to the
status page. A PAN the department has deactivated stands for a revoked
document.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from io import BytesIO
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
from pypdf import PdfReader

from adapters.builtin.pan import PanAdapter
from demo import queries
from services.clock import FrozenClock
from services.documents.keys import IssuerKeyStore
from services.documents.render import DocumentRenderer, RenderedDocument
from tests.api.conftest import Api
from web.verify import VERIFY_LIMIT

ROHAN_LICENCE = {"licenceNumber": "MH1220160012345", "dateOfBirth": "21-07-1998"}
LICENCE_URI = "in.gov.transport-DRVLC-MH1220160012345"
STATUS_URL = f"http://testserver/verify/{LICENCE_URI}"
# Sunita Devi Sharma's PAN, which the department has deactivated (status X).
DEACTIVATED_PAN_URI = "in.gov.pan-PANCR-BGLPS6604T"
JSON = {"accept": "application/json"}


async def _licence(api: Api, client: httpx.AsyncClient) -> tuple[bytes, bytes]:
    """Rohan's licence as he would hand it over: the XML and the PDF."""
    await api.new_resident("9822034567", "rohan", aadhaar_of="Rohan Mehta")
    await api.pull("in.gov.transport", "DRVLC", **ROHAN_LICENCE)
    content = (await api(queries.DOCUMENT, uri=LICENCE_URI))["document"]["content"]
    pdf = await client.get(content["pdf"]["url"])
    assert pdf.status_code == 200
    return content["xml"].encode(), pdf.content


async def _check(
    client: httpx.AsyncClient, body: Any, *, content_type: str = "application/pdf"
) -> tuple[int, Any]:
    response = await client.post(
        "/verify", content=body, headers={"content-type": content_type}
    )
    return response.status_code, response.json()


async def test_licence_xml_and_pdf_handed_over_are_authentic(
    api: Api, client: httpx.AsyncClient, clock: FrozenClock
) -> None:
    xml, pdf = await _licence(api, client)

    # The Content-Type is ignored: the verifier goes by the content.
    xml_status, xml_verdict = await _check(client, xml, content_type="text/plain")
    pdf_status, pdf_verdict = await _check(client, pdf)

    assert (xml_status, pdf_status) == (200, 200)
    for verdict in (xml_verdict, pdf_verdict):
        assert verdict["authentic"] is True
        assert verdict["signatureValid"] is True
        assert verdict["status"] == "ACTIVE"
        assert verdict["uri"] == LICENCE_URI
        assert verdict["issuer"] == {
            "id": "in.gov.transport",
            "name": "Ministry of Road Transport and Highways",
        }
        assert verdict["docType"] == "DRVLC"
        assert verdict["holderName"] == "ROHAN MEHTA"
        assert verdict["checkedAt"] == clock.now().isoformat()
        assert verdict["reasons"]


async def test_licence_with_a_changed_birth_date_is_not_authentic(
    api: Api, client: httpx.AsyncClient
) -> None:
    xml, _ = await _licence(api, client)
    changed = xml.replace(b"21-07-1998", b"21-07-1990")

    status, verdict = await _check(client, changed)

    assert status == 200
    assert verdict["authentic"] is False
    assert verdict["signatureValid"] is False
    assert verdict["status"] is None
    assert verdict["holderName"] is None
    assert "not a valid signature" in verdict["reasons"][0]


@pytest.fixture
async def deactivated_pan(keys_dir: Path) -> RenderedDocument:
    """The deactivated PAN's record, rendered and signed as the locker would."""
    adapter = PanAdapter()
    document = await adapter.get(DEACTIVATED_PAN_URI)
    renderer = DocumentRenderer(IssuerKeyStore(keys_dir, generate=True))
    return await anyio.to_thread.run_sync(
        lambda: renderer.render(document, issuer_name=adapter.name)
    )


async def test_deactivated_pan_is_signed_but_revoked(
    client: httpx.AsyncClient, deactivated_pan: RenderedDocument
) -> None:
    status, verdict = await _check(client, deactivated_pan.pdf)

    assert status == 200
    assert verdict["signatureValid"] is True
    assert verdict["authentic"] is False
    assert verdict["status"] == "REVOKED"
    assert verdict["holderName"] == "SUNITA DEVI SHARMA"
    assert "revoked" in verdict["reasons"][-1]


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        pytest.param(b"", 422, "EMPTY_FILE", id="empty"),
        pytest.param(b"PK\x03\x04 rent-agreement.docx", 415, "UNSUPPORTED_FILE_TYPE"),
        pytest.param(b"%PDF-1.7\n1 0 obj\n<< /Type", 422, "FILE_DAMAGED", id="pdf"),
        pytest.param(
            b'<?xml version="1.0"?><!DOCTYPE c [<!ENTITY x SYSTEM '
            b'"file:///etc/passwd">]><Certificate>&x;</Certificate>',
            422,
            "FILE_DAMAGED",
            id="external-entity",
        ),
        pytest.param(
            b'<!DOCTYPE c [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
            b"<Certificate>&b;&b;&b;&b;</Certificate>",
            422,
            "FILE_DAMAGED",
            id="entity-expansion",
        ),
    ],
)
async def test_unreadable_files_get_a_clear_refusal(
    client: httpx.AsyncClient, body: bytes, status: int, code: str
) -> None:
    answer_status, answer = await _check(client, body)

    assert answer_status == status
    assert answer["code"] == code
    assert "root:x:" not in answer["message"]


async def test_file_over_ten_mebibytes_is_refused(client: httpx.AsyncClient) -> None:
    declared, refused = await _check(client, b"%PDF-1.7\n" + b"0" * (10 * 2**20))

    async def unannounced() -> AsyncIterator[bytes]:
        for _ in range(11):
            yield b"%" * 2**20

    streamed, refused_too = await _check(client, unannounced())

    assert (declared, streamed) == (413, 413)
    assert refused["code"] == refused_too["code"] == "FILE_TOO_LARGE"


async def test_qr_code_target_shows_the_status_page(
    api: Api, client: httpx.AsyncClient
) -> None:
    _, pdf = await _licence(api, client)
    text = PdfReader(BytesIO(pdf)).pages[-1].extract_text()

    page = await client.get(STATUS_URL)

    assert STATUS_URL in text
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "Active" in page.text
    assert "Ministry of Road Transport and Highways" in page.text
    assert "ROHAN" not in page.text
    policy = page.headers["content-security-policy"]
    assert "default-src 'none'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "<script" not in page.text


async def test_status_check_answers_json_when_asked(
    api: Api, client: httpx.AsyncClient
) -> None:
    await _licence(api, client)

    answer = await client.get(STATUS_URL, headers=JSON)

    verdict = answer.json()
    assert verdict["status"] == "ACTIVE"
    assert verdict["signatureValid"] is None
    assert verdict["authentic"] is False
    assert verdict["holderName"] is None


async def test_status_page_of_a_deactivated_pan_says_revoked(
    client: httpx.AsyncClient,
) -> None:
    page = await client.get(f"/verify/{DEACTIVATED_PAN_URI}")

    assert page.status_code == 200
    assert "Revoked" in page.text
    assert "SUNITA" not in page.text


async def test_status_page_escapes_what_it_was_asked_about(
    client: httpx.AsyncClient,
) -> None:
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'

    page = await client.get("/verify/" + httpx.URL(path=hostile).raw_path.decode())
    as_json = await client.get(
        "/verify/" + httpx.URL(path=hostile).raw_path.decode(), headers=JSON
    )

    assert page.status_code == 400
    assert "<script>" not in page.text
    assert "<img" not in page.text
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page.text
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert as_json.json()["code"] == "INVALID_URI"


async def test_checks_from_one_address_are_limited(
    client: httpx.AsyncClient, clock: FrozenClock
) -> None:
    for _ in range(VERIFY_LIMIT.amount - 1):
        assert (await client.get(f"/verify/{DEACTIVATED_PAN_URI}")).status_code == 200
    last_allowed, _ = await _check(client, b"")

    refused = await client.post("/verify", content=b"")
    refused_page = await client.get(f"/verify/{DEACTIVATED_PAN_URI}")
    clock.advance(VERIFY_LIMIT.seconds + 1)
    again = await client.get(f"/verify/{DEACTIVATED_PAN_URI}")

    assert last_allowed == 422
    assert refused.status_code == 429
    assert refused.json()["code"] == "RATE_LIMITED"
    assert int(refused.headers["retry-after"]) > 0
    assert refused_page.status_code == 429
    assert again.status_code == 200


async def test_checking_logs_neither_the_file_nor_the_holder(
    api: Api, client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    xml, pdf = await _licence(api, client)
    caplog.clear()
    caplog.set_level(logging.DEBUG)
    # As config.logging sets it up: signxml's DEBUG lines are whole documents.
    caplog.set_level(logging.INFO, logger="signxml")

    await _check(client, xml)
    await _check(client, pdf)
    await _check(client, xml.replace(b"21-07-1998", b"21-07-1990"))

    assert "ROHAN" not in caplog.text.upper()
    assert "21-07-199" not in caplog.text
    assert LICENCE_URI not in caplog.text
