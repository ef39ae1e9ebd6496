"""Reading issued documents: the locker, the signed XML and PDF, and refusals."""

from __future__ import annotations

import anyio
import httpx
import pytest
from lxml import etree

from demo import queries
from services.clock import FrozenClock
from services.documents.errors import SignatureInvalid
from services.documents.pdf_signing import verify_pdf
from services.documents.xml_signing import verify_certificate
from tests.api.conftest import Api

ROHAN_LICENCE = {"licenceNumber": "MH1220160012345", "dateOfBirth": "21-07-1998"}
ROHAN_RC = {"registrationNumber": "MH12AB1234", "chassisLast5": "47319"}
LICENCE_URI = "in.gov.transport-DRVLC-MH1220160012345"


async def _certificate(api: Api, issuer_id: str) -> bytes:
    issuers = (await api("{ issuers { id certificate } }"))["issuers"]
    certificate: str = next(i["certificate"] for i in issuers if i["id"] == issuer_id)
    return certificate.encode()


async def test_document_has_signed_xml_and_a_signed_pdf(
    api: Api, client: httpx.AsyncClient
) -> None:
    await api.new_resident("9822034567", "rohan", aadhaar_of="Rohan Mehta")
    await api.pull("in.gov.transport", "DRVLC", **ROHAN_LICENCE)
    certificate = await _certificate(api, "in.gov.transport")

    found = (await api(queries.DOCUMENT, uri=LICENCE_URI))["document"]
    content = found["content"]
    pdf = await client.get(content["pdf"]["url"])

    assert found["name"] == "Driving Licence"
    assert content["status"] == "ACTIVE"
    assert content["holderName"] == "ROHAN MEHTA"
    signed = verify_certificate(content["xml"].encode(), certificate)
    assert signed.get("number") == "MH1220160012345"
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert "attachment" in pdf.headers["content-disposition"]
    verdict = await anyio.to_thread.run_sync(verify_pdf, pdf.content, certificate)
    assert verdict.valid, verdict.reasons


async def test_tampered_xml_fails_verification(api: Api) -> None:
    await api.new_resident("9822034567", "rohan", aadhaar_of="Rohan Mehta")
    await api.pull("in.gov.transport", "DRVLC", **ROHAN_LICENCE)
    certificate = await _certificate(api, "in.gov.transport")
    xml = (await api(queries.DOCUMENT, uri=LICENCE_URI))["document"]["content"]["xml"]

    tampered = xml.replace("21-07-1998", "21-07-1990").encode()

    assert tampered != xml.encode()
    with pytest.raises(SignatureInvalid):
        verify_certificate(tampered, certificate)


async def test_locker_lists_documents_newest_first_in_pages(
    api: Api, clock: FrozenClock
) -> None:
    await api.new_resident("9822034567", "rohan", aadhaar_of="Rohan Mehta")
    await api.pull("in.gov.transport", "DRVLC", **ROHAN_LICENCE)
    clock.advance(60)
    await api.pull("in.gov.transport", "RVCER", **ROHAN_RC)
    clock.advance(60)
    await api.pull(
        "in.gov.pan",
        "PANCR",
        pan="BKRPM4817L",
        fullName="ROHAN MEHTA",
        dateOfBirth="21-07-1998",
    )

    page = """query($after: String) { me { ... on Resident {
        issuedDocuments(first: 2, after: $after) {
          totalCount pageInfo { hasNextPage endCursor } edges { node { docType } }
    } } } }"""
    first = (await api(page))["me"]["issuedDocuments"]
    cursor = first["pageInfo"]["endCursor"]
    second = (await api(page, after=cursor))["me"]["issuedDocuments"]

    assert first["totalCount"] == 3
    assert [edge["node"]["docType"] for edge in first["edges"]] == ["PANCR", "RVCER"]
    assert first["pageInfo"]["hasNextPage"] is True
    assert [edge["node"]["docType"] for edge in second["edges"]] == ["DRVLC"]
    assert second["pageInfo"]["hasNextPage"] is False


async def test_another_residents_uri_is_not_found(api: Api, other_api: Api) -> None:
    await api.new_resident("9822034567", "rohan", aadhaar_of="Rohan Mehta")
    await api.pull("in.gov.transport", "DRVLC", **ROHAN_LICENCE)
    await other_api.new_resident("9810012345", "aarav", aadhaar_of="Aarav Sharma")

    result = await other_api(queries.DOCUMENT, uri=LICENCE_URI)

    assert result["document"]["code"] == "DOCUMENT_NOT_FOUND"


async def test_uri_of_an_unknown_issuer_is_refused(api: Api) -> None:
    await api.new_resident("9822034567", "rohan", aadhaar_of="Rohan Mehta")

    unknown = await api(queries.DOCUMENT, uri="in.gov.nowhere-DRVLC-MH1220160012345")
    malformed = await api(queries.DOCUMENT, uri="not a uri")

    assert unknown["document"]["code"] == "UNKNOWN_ISSUER"
    assert malformed["document"]["code"] == "INVALID_URI"


async def test_pdf_link_expires_and_cannot_be_forged(
    api: Api, client: httpx.AsyncClient, clock: FrozenClock
) -> None:
    await api.new_resident("9822034567", "rohan", aadhaar_of="Rohan Mehta")
    await api.pull("in.gov.transport", "DRVLC", **ROHAN_LICENCE)
    url = (await api(queries.DOCUMENT, uri=LICENCE_URI))["document"]["content"]["pdf"][
        "url"
    ]

    forged = await client.get(url[:-3] + "abc")
    clock.advance(301)
    expired = await client.get(url)

    assert forged.status_code == 403
    assert expired.status_code == 403
    assert expired.json()["code"] == "LINK_EXPIRED"


async def test_expired_licence_is_served_with_its_status(api: Api) -> None:
    await api.new_resident(
        "9815056789", "gurpreet", aadhaar_of="Gurpreet Singh Dhillon"
    )
    pulled = await api.pull(
        "in.gov.transport",
        "DRVLC",
        licenceNumber="PB1019950007788",
        dateOfBirth="09-09-1975",
    )

    found = await api(queries.DOCUMENT, uri=pulled["document"]["uri"])

    assert found["document"]["content"]["status"] == "EXPIRED"
    xml = etree.fromstring(found["document"]["content"]["xml"].encode())
    assert xml.get("status") == "E"
