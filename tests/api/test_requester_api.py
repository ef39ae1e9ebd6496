"""A requester reading under a consent, end to end through /graphql with a token."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import anyio
import httpx
import pytest
from graphql import (
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLUnionType,
)

from config.settings import Settings
from models import Account, Consent, Requester
from schema import build_schema
from services.clock import FrozenClock
from services.container import Services
from services.documents.pdf_signing import verify_pdf
from services.documents.xml_signing import verify_certificate
from tests.api.conftest import Api
from tests.api.sharing import (
    EMPLOYER,
    LICENCE_URI,
    METADATA,
    MY_ACTIVITY,
    PAN_URI,
    PDF_LINK,
    PURPOSE,
    RC_URI,
    REVOKE_CONSENT,
    SHARED_CONSENT,
    VERIFY,
    XML,
    app_services,
    grant,
    register_employer,
    requester_api,
    rohan_with_documents,
)

AARAV_MARKSHEET = {"rollNumber": "16612345", "year": "2024"}


@pytest.fixture
def services(client: httpx.AsyncClient) -> Services:
    return app_services(client)


@pytest.fixture
async def employer(client: httpx.AsyncClient) -> Requester:
    return await register_employer()


@pytest.fixture
async def rohan(api: Api) -> Account:
    return await rohan_with_documents(api)


async def _certificate(api: Api, issuer_id: str) -> bytes:
    issuers = (await api("{ issuers { id certificate } }"))["issuers"]
    certificate: str = next(i["certificate"] for i in issuers if i["id"] == issuer_id)
    return certificate.encode()


async def _reads(api: Api) -> list[tuple[str, str]]:
    """The resident's logged reads, oldest first, as (URI, form)."""
    entries = (await api(MY_ACTIVITY))["me"]["activity"]["edges"]
    return [
        (edge["node"]["documentUri"], edge["node"]["form"])
        for edge in reversed(entries)
        if edge["node"]["kind"] == "DOCUMENT_READ"
    ]


def _metadata(result: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = result["sharedDocument"]["metadata"]
    return found


async def test_a_requester_sees_the_consent_its_token_stands_for(
    api: Api, services: Services, rohan: Account, employer: Requester
) -> None:
    consent = await grant(services, rohan, employer, max_reads=4)
    requester = await requester_api(api, services, employer, consent)

    shown = (await requester(SHARED_CONSENT))["sharedConsent"]

    assert shown["id"] == str(consent.id)
    assert shown["requester"] == {"name": EMPLOYER, "orgId": "sahyadri-field"}
    assert shown["purpose"] == {"code": "EMPLOYMENT", "text": PURPOSE}
    assert (shown["reads"], shown["maxReads"], shown["status"]) == (0, 4, "ACTIVE")
    assert shown["artefact"] == consent.artefact
    assert shown["documents"] == [
        {"uri": LICENCE_URI, "docType": "DRVLC", "forms": ["METADATA", "PDF"]},
        {"uri": PAN_URI, "docType": "PANCR", "forms": ["XML"]},
    ]


async def test_a_requester_reads_what_was_shared_and_the_resident_sees_each_read(
    api: Api,
    client: httpx.AsyncClient,
    services: Services,
    rohan: Account,
    employer: Requester,
) -> None:
    consent = await grant(services, rohan, employer, max_reads=5)
    requester = await requester_api(api, services, employer, consent)
    pan_certificate = await _certificate(api, "in.gov.pan")
    transport_certificate = await _certificate(api, "in.gov.transport")

    metadata = _metadata(await requester(METADATA, uri=LICENCE_URI))
    xml = (await requester(XML, uri=PAN_URI))["sharedDocument"]["xml"]["xml"]
    link = (await requester(PDF_LINK, uri=LICENCE_URI))["sharedDocument"]["pdfLink"]
    reads_before_download = (await requester(SHARED_CONSENT))["sharedConsent"]["reads"]
    pdf = await client.get(link["url"])

    assert metadata["issuerId"] == "in.gov.transport"
    assert metadata["docType"] == "DRVLC"
    assert metadata["name"] == "Driving Licence"
    assert metadata["status"] == "ACTIVE"
    assert metadata["pulledAt"] is not None
    assert "holderName" not in metadata
    signed = verify_certificate(xml.encode(), pan_certificate)
    assert signed.get("uri") == PAN_URI
    assert reads_before_download == 2
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["content-disposition"].startswith("attachment;")
    assert 'filename="DRVLC-MH1220160012345.pdf"' in pdf.headers["content-disposition"]
    assert pdf.headers["x-content-type-options"] == "nosniff"
    verdict = await anyio.to_thread.run_sync(
        verify_pdf, pdf.content, transport_certificate
    )
    assert verdict.valid, verdict.reasons
    assert (await requester(SHARED_CONSENT))["sharedConsent"]["reads"] == 3
    assert await _reads(api) == [
        (LICENCE_URI, "METADATA"),
        (PAN_URI, "XML"),
        (LICENCE_URI, "PDF"),
    ]
    activity = (await api(MY_ACTIVITY))["me"]["activity"]["edges"]
    assert activity[0]["node"]["requester"] == {
        "name": EMPLOYER,
        "orgId": "sahyadri-field",
    }
    assert activity[0]["node"]["consentId"] == str(consent.id)
    assert f"{EMPLOYER} has started reading" in api.sms.last_to("9822034567")


async def test_reads_stop_at_the_consents_limit(
    api: Api,
    client: httpx.AsyncClient,
    services: Services,
    rohan: Account,
    employer: Requester,
) -> None:
    consent = await grant(services, rohan, employer, max_reads=2)
    requester = await requester_api(api, services, employer, consent)
    link = (await requester(PDF_LINK, uri=LICENCE_URI))["sharedDocument"]["pdfLink"]

    first = _metadata(await requester(METADATA, uri=LICENCE_URI))
    second = (await requester(XML, uri=PAN_URI))["sharedDocument"]["xml"]
    third = _metadata(await requester(METADATA, uri=LICENCE_URI))
    download = await client.get(link["url"])

    assert first["name"] == "Driving Licence"
    assert "xml" in second
    assert third["code"] == "READ_LIMIT_REACHED"
    assert download.status_code == 403
    assert download.json()["code"] == "READ_LIMIT_REACHED"
    assert (await Consent.get(id=consent.id)).reads == 2
    assert await _reads(api) == [(LICENCE_URI, "METADATA"), (PAN_URI, "XML")]


async def test_revoking_stops_the_same_token_and_its_links_at_the_next_request(
    api: Api,
    client: httpx.AsyncClient,
    services: Services,
    rohan: Account,
    employer: Requester,
) -> None:
    consent = await grant(services, rohan, employer)
    requester = await requester_api(api, services, employer, consent)
    before = _metadata(await requester(METADATA, uri=LICENCE_URI))
    link = (await requester(PDF_LINK, uri=LICENCE_URI))["sharedDocument"]["pdfLink"]

    revoked = (await api(REVOKE_CONSENT, id=str(consent.id)))["revokeConsent"]
    after = _metadata(await requester(METADATA, uri=LICENCE_URI))
    xml = (await requester(XML, uri=PAN_URI))["sharedDocument"]["xml"]
    verdict = (await requester(VERIFY, uri=LICENCE_URI))["verifyDocument"]
    download = await client.get(link["url"])
    new_link = (await requester(PDF_LINK, uri=LICENCE_URI))["sharedDocument"]
    shown = (await requester(SHARED_CONSENT))["sharedConsent"]

    assert before["status"] == "ACTIVE"
    assert revoked == {"consent": {"status": "REVOKED"}}
    assert after["code"] == "CONSENT_REVOKED"
    assert xml["code"] == "CONSENT_REVOKED"
    assert new_link["pdfLink"]["code"] == "CONSENT_REVOKED"
    assert verdict["code"] == "CONSENT_REVOKED"
    assert download.status_code == 403
    assert download.json()["code"] == "CONSENT_REVOKED"
    assert (shown["status"], shown["reads"]) == ("REVOKED", 1)
    assert shown["revokedAt"] is not None
    assert await _reads(api) == [(LICENCE_URI, "METADATA")]


async def test_an_expired_consent_lets_nothing_more_be_read(
    api: Api,
    client: httpx.AsyncClient,
    services: Services,
    clock: FrozenClock,
    rohan: Account,
    employer: Requester,
) -> None:
    consent = await grant(services, rohan, employer, valid_for=timedelta(minutes=2))
    requester = await requester_api(api, services, employer, consent)
    link = (await requester(PDF_LINK, uri=LICENCE_URI))["sharedDocument"]["pdfLink"]

    clock.advance(121)
    metadata = await requester(METADATA, uri=LICENCE_URI)
    shown = (await requester(SHARED_CONSENT))["sharedConsent"]
    download = await client.get(link["url"])
    fresh = await requester_api(api, services, employer, consent)
    with_fresh_token = await fresh(METADATA, uri=LICENCE_URI)

    # The consent itself refuses, saying why, whatever token is used.
    assert metadata["sharedDocument"]["metadata"]["code"] == "CONSENT_EXPIRED"
    assert shown["status"] == "EXPIRED"
    assert with_fresh_token["sharedDocument"]["metadata"]["code"] == "CONSENT_EXPIRED"
    # A PDF link made in time is refused by the consent itself.
    assert download.status_code == 403
    assert download.json()["code"] == "CONSENT_EXPIRED"
    assert (await Consent.get(id=consent.id)).status == "expired"
    assert await _reads(api) == []


async def test_documents_and_forms_outside_the_consent_are_not_granted(
    api: Api,
    other_api: Api,
    services: Services,
    rohan: Account,
    employer: Requester,
) -> None:
    await other_api.new_resident("9810012345", "aarav", aadhaar_of="Aarav Sharma")
    aarav_uri = (await other_api.pull("in.gov.cbse", "HSCER", **AARAV_MARKSHEET))[
        "document"
    ]["uri"]
    consent = await grant(services, rohan, employer)
    requester = await requester_api(api, services, employer, consent)

    own_rc = await requester(METADATA, uri=RC_URI)
    aaravs = await requester(METADATA, uri=aarav_uri)
    invented = await requester(METADATA, uri="in.gov.cbse-HSCER-2024999999")
    licence_xml = (await requester(XML, uri=LICENCE_URI))["sharedDocument"]["xml"]
    pan_metadata = _metadata(await requester(METADATA, uri=PAN_URI))
    pan_pdf = (await requester(PDF_LINK, uri=PAN_URI))["sharedDocument"]["pdfLink"]
    verdict = (await requester(VERIFY, uri=aarav_uri))["verifyDocument"]

    refusals = [own_rc, aaravs, invented]
    assert [r["sharedDocument"]["code"] for r in refusals] == ["NOT_GRANTED"] * 3
    # The same words whether the URI is the resident's, another's or nobody's.
    assert len({r["sharedDocument"]["message"] for r in refusals}) == 1
    assert (licence_xml["code"], pan_metadata["code"], pan_pdf["code"]) == (
        "NOT_GRANTED",
        "NOT_GRANTED",
        "NOT_GRANTED",
    )
    assert verdict["code"] == "NOT_GRANTED"
    assert (await Consent.get(id=consent.id)).reads == 0
    assert await _reads(api) == []


async def test_verifying_a_shared_document_checks_it_with_its_issuer_as_one_read(
    api: Api, services: Services, rohan: Account, employer: Requester
) -> None:
    consent = await grant(services, rohan, employer, max_reads=3)
    requester = await requester_api(api, services, employer, consent)

    licence = (await requester(VERIFY, uri=LICENCE_URI))["verifyDocument"]
    pan = (await requester(VERIFY, uri=PAN_URI))["verifyDocument"]

    assert licence["authentic"] is True
    assert licence["signatureValid"] is True
    assert licence["status"] == "ACTIVE"
    assert (licence["uri"], licence["docType"]) == (LICENCE_URI, "DRVLC")
    assert licence["issuerId"] == "in.gov.transport"
    assert any("active" in reason for reason in licence["reasons"])
    assert "ROHAN" not in " ".join(licence["reasons"])
    assert pan["authentic"] is True
    # Logged under the least revealing form each consent entry grants.
    assert await _reads(api) == [(LICENCE_URI, "METADATA"), (PAN_URI, "XML")]
    assert (await Consent.get(id=consent.id)).reads == 2


async def test_a_requesters_link_and_a_residents_link_do_not_open_each_other(
    api: Api,
    client: httpx.AsyncClient,
    services: Services,
    rohan: Account,
    employer: Requester,
) -> None:
    consent = await grant(services, rohan, employer)
    requester = await requester_api(api, services, employer, consent)
    shared = (await requester(PDF_LINK, uri=LICENCE_URI))["sharedDocument"]["pdfLink"]
    own = (
        await api(
            """query($uri: String!) { document(uri: $uri) { ... on IssuedDocument {
                content { ... on DocumentContent { pdf { url } } } } } }""",
            uri=LICENCE_URI,
        )
    )["document"]["content"]["pdf"]["url"]

    shared_token = shared["url"].split("token=", 1)[1]
    own_token = own.split("token=", 1)[1]
    as_resident_link = await client.get(f"/documents/pdf?token={shared_token}")
    as_shared_link = await client.get(f"/shared/documents/pdf?token={own_token}")

    assert as_resident_link.status_code == 403
    assert as_shared_link.status_code == 403
    assert as_shared_link.json()["code"] == "LINK_EXPIRED"
    assert await _reads(api) == []


async def test_a_deactivated_requesters_link_stops_working(
    api: Api,
    client: httpx.AsyncClient,
    services: Services,
    rohan: Account,
    employer: Requester,
) -> None:
    consent = await grant(services, rohan, employer)
    requester = await requester_api(api, services, employer, consent)
    link = (await requester(PDF_LINK, uri=LICENCE_URI))["sharedDocument"]["pdfLink"]

    await Requester.filter(id=employer.id).update(active=False)
    download = await client.get(link["url"])
    shown = (await requester(SHARED_CONSENT))["sharedConsent"]

    assert download.status_code == 403
    assert download.json()["code"] == "LINK_EXPIRED"
    assert shown["code"] == "NOT_AUTHENTICATED"


async def test_tokens_and_sessions_each_reach_only_their_own_side(
    api: Api, services: Services, rohan: Account, employer: Requester
) -> None:
    consent = await grant(services, rohan, employer)
    requester = await requester_api(api, services, employer, consent)

    as_resident = (await api(SHARED_CONSENT))["sharedConsent"]
    me = (await requester("{ me { ... on Problem { code } } }"))["me"]
    document = (
        await requester(
            "query($uri: String!) { document(uri: $uri) { ... on Problem { code } } }",
            uri=LICENCE_URI,
        )
    )["document"]
    revoke = (await requester(REVOKE_CONSENT, id=str(consent.id)))["revokeConsent"]

    assert as_resident["code"] == "REQUESTERS_ONLY"
    assert me == {"code": "NOT_FOR_REQUESTERS"}
    assert document == {"code": "NOT_FOR_REQUESTERS"}
    assert revoke["code"] == "NOT_FOR_REQUESTERS"
    assert (await Consent.get(id=consent.id)).status == "active"


def _named(graphql_type: Any) -> GraphQLNamedType:
    while isinstance(graphql_type, GraphQLNonNull | GraphQLList):
        graphql_type = graphql_type.of_type
    named: GraphQLNamedType = graphql_type
    return named


def test_no_field_leads_from_what_a_requester_reads_to_the_resident() -> None:
    schema = build_schema(Settings())._schema
    query = schema.query_type
    assert query is not None
    roots = ["sharedConsent", "sharedDocument", "verifyDocument"]
    seen: set[str] = set()
    waiting = [_named(query.fields[name].type) for name in roots]

    while waiting:
        graphql_type = waiting.pop()
        if graphql_type.name in seen:
            continue
        seen.add(graphql_type.name)
        if isinstance(graphql_type, GraphQLUnionType):
            waiting += graphql_type.types
        if isinstance(graphql_type, GraphQLObjectType):
            waiting += [_named(field.type) for field in graphql_type.fields.values()]

    resident_side = {
        "Resident",
        "IssuedDocument",
        "IssuedDocumentConnection",
        "UploadedDocument",
        "Consent",
        "ActivityEntry",
        "SessionInfo",
    }
    assert "SharedDocument" in seen
    assert seen & resident_side == set()
