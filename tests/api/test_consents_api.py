"""The resident's consents and activity log through GraphQL; the artefact keys."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from datetime import timedelta
from typing import Any

import httpx
import pytest
from joserfc import jws
from joserfc.jwk import KeySet

from models import Account, Consent, Requester
from services.activity import DocumentForm
from services.clock import FrozenClock
from services.consents import ConsentRevoked
from services.container import Services
from tests.api.conftest import Api

ROHAN_LICENCE = {"licenceNumber": "MH1220160012345", "dateOfBirth": "21-07-1998"}
ROHAN_PAN = {
    "pan": "BKRPM4817L",
    "fullName": "ROHAN MEHTA",
    "dateOfBirth": "21-07-1998",
}
LICENCE_URI = "in.gov.transport-DRVLC-MH1220160012345"
PAN_URI = "in.gov.pan-PANCR-BKRPM4817L"
PURPOSE = "Address and identity verification for a fresh passport"

CONSENT_FIELDS = """
    id requester { name orgId } purpose { code text } documents { uri forms }
    createdAt validFrom validUntil maxReads reads firstReadAt status revokedAt
    artefact
"""
MY_CONSENTS = f"""query($first: Int!, $after: String, $status: ConsentStatus) {{
  me {{ ... on Resident {{
    consents(first: $first, after: $after, status: $status) {{
      totalCount pageInfo {{ hasNextPage endCursor }}
      edges {{ cursor node {{ {CONSENT_FIELDS} }} }}
    }}
  }} }}
}}"""
MY_CONSENT = f"""query($id: ID!) {{
  me {{ ... on Resident {{
    consent(id: $id) {{
      ... on Consent {{ {CONSENT_FIELDS} }}
      ... on Problem {{ code message field }}
    }}
  }} }}
}}"""
REVOKE_CONSENT = """mutation($id: ID!) {
  revokeConsent(id: $id) {
    ... on ConsentRevoked { consent { id status revokedAt } }
    ... on Problem { code message field }
  }
}"""
MY_ACTIVITY = """query($first: Int!, $after: String) {
  me { ... on Resident {
    activity(first: $first, after: $after) {
      totalCount pageInfo { hasNextPage endCursor }
      edges { node {
        seq at kind requester { name orgId } documentUri form purpose consentId hash
      } }
    }
  } }
}"""
ACTIVITY_EXPORT = """query($format: ActivityExportFormat!) {
  me { ... on Resident { activityExport(format: $format) } }
}"""
SIGNING_KEYS = "{ consentSigningKeys }"


@pytest.fixture
def services(client: httpx.AsyncClient) -> Services:
    """The app's own services, to grant as the consent page will."""
    transport = client._transport
    assert isinstance(transport, httpx.ASGITransport)
    found: Services = transport.app.state.services  # type: ignore[attr-defined]
    return found


@pytest.fixture
async def passport_office(client: httpx.AsyncClient) -> Requester:
    return await Requester.create(
        org_id="passport-pune",
        name="Regional Passport Office, Pune",
        client_id="rq_passport_pune",
        purposes=[{"code": "PASSPORT", "text": PURPOSE}],
        doc_types=["DRVLC", "PANCR"],
        redirect_uris=["https://passport.example.gov.in/openlocker/callback"],
    )


@pytest.fixture
async def rohan(api: Api) -> Account:
    """Rohan Mehta, signed in, with his driving licence and PAN in his locker."""
    await api.new_resident("9822034567", "rohan", aadhaar_of="Rohan Mehta")
    await api.pull("in.gov.transport", "DRVLC", **ROHAN_LICENCE)
    await api.pull("in.gov.pan", "PANCR", **ROHAN_PAN)
    return await Account.get(username="rohan")


async def grant(
    services: Services,
    account: Account,
    requester: Requester,
    *,
    max_reads: int | None = 2,
) -> Consent:
    return await services.consents.grant(
        account,
        requester,
        purpose_code="PASSPORT",
        documents=[(LICENCE_URI, ["metadata", "pdf"]), (PAN_URI, ["xml"])],
        valid_for=timedelta(days=14),
        max_reads=max_reads,
    )


async def test_a_resident_sees_a_consent_and_anyone_can_verify_its_artefact(
    api: Api,
    services: Services,
    rohan: Account,
    passport_office: Requester,
) -> None:
    consent = await grant(services, rohan, passport_office)

    listed = (await api(MY_CONSENTS, first=10))["me"]["consents"]
    shown = (await api(MY_CONSENT, id=str(consent.id)))["me"]["consent"]
    anonymous = Api(app_transport=api.app_transport, sms=api.sms)
    jwks = json.loads((await anonymous(SIGNING_KEYS))["consentSigningKeys"])

    assert listed["totalCount"] == 1
    assert listed["edges"][0]["node"] == shown
    assert shown["requester"] == {
        "name": "Regional Passport Office, Pune",
        "orgId": "passport-pune",
    }
    assert shown["purpose"] == {"code": "PASSPORT", "text": PURPOSE}
    assert shown["documents"] == [
        {"uri": LICENCE_URI, "forms": ["METADATA", "PDF"]},
        {"uri": PAN_URI, "forms": ["XML"]},
    ]
    assert (shown["maxReads"], shown["reads"], shown["status"]) == (2, 0, "ACTIVE")
    assert shown["firstReadAt"] is None
    # As a passport office would check it: any JOSE library, the published keys.
    verified = jws.deserialize_compact(
        shown["artefact"], KeySet.import_key_set(jwks), algorithms=["ES256"]
    )
    claims = json.loads(verified.payload)
    assert verified.protected["kid"] == jwks["keys"][0]["kid"]
    assert claims["consent_id"] == shown["id"]
    assert claims["resident_id"] == str(rohan.id)
    assert claims["requester"]["client_id"] == "rq_passport_pune"
    assert claims["documents"] == [
        {"uri": LICENCE_URI, "forms": ["metadata", "pdf"]},
        {"uri": PAN_URI, "forms": ["xml"]},
    ]
    assert claims["max_reads"] == 2
    assert claims["status"] == "active"


async def test_another_resident_can_neither_see_nor_revoke_a_consent(
    api: Api,
    other_api: Api,
    services: Services,
    rohan: Account,
    passport_office: Requester,
) -> None:
    consent = await grant(services, rohan, passport_office)
    await other_api.new_resident("9810012345", "aarav", aadhaar_of="Aarav Sharma")

    listed = (await other_api(MY_CONSENTS, first=10))["me"]["consents"]
    shown = (await other_api(MY_CONSENT, id=str(consent.id)))["me"]["consent"]
    revoked = (await other_api(REVOKE_CONSENT, id=str(consent.id)))["revokeConsent"]

    assert listed == {
        "totalCount": 0,
        "pageInfo": {"hasNextPage": False, "endCursor": None},
        "edges": [],
    }
    assert shown["code"] == "CONSENT_NOT_FOUND"
    assert revoked["code"] == "CONSENT_NOT_FOUND"
    assert (await Consent.get(id=consent.id)).status == "active"


async def test_revoking_stops_the_next_read_and_texts_the_resident(
    api: Api,
    services: Services,
    clock: FrozenClock,
    rohan: Account,
    passport_office: Requester,
) -> None:
    consent = await grant(services, rohan, passport_office)
    await services.consents.authorize_read(
        consent.id, LICENCE_URI, DocumentForm.PDF, requester=passport_office
    )
    clock.advance(600)

    revoked = (await api(REVOKE_CONSENT, id=str(consent.id)))["revokeConsent"]
    again = (await api(REVOKE_CONSENT, id=str(consent.id)))["revokeConsent"]

    assert revoked["consent"]["status"] == "REVOKED"
    assert revoked["consent"]["revokedAt"] is not None
    assert again["code"] == "CONSENT_REVOKED"
    assert again["field"] == "id"
    with pytest.raises(ConsentRevoked):
        await services.consents.authorize_read(
            consent.id, LICENCE_URI, DocumentForm.PDF, requester=passport_office
        )
    assert "revoked" in api.sms.last_to("9822034567")
    only_revoked = (await api(MY_CONSENTS, first=10, status="REVOKED"))["me"]
    assert only_revoked["consents"]["totalCount"] == 1
    assert (await api(MY_CONSENTS, first=10, status="ACTIVE"))["me"]["consents"][
        "totalCount"
    ] == 0


async def test_consents_come_in_pages_newest_first(
    api: Api,
    services: Services,
    clock: FrozenClock,
    rohan: Account,
    passport_office: Requester,
) -> None:
    granted = []
    for _ in range(3):
        granted.append(await grant(services, rohan, passport_office))
        clock.advance(60)

    first = (await api(MY_CONSENTS, first=2))["me"]["consents"]
    after = first["pageInfo"]["endCursor"]
    second = (await api(MY_CONSENTS, first=2, after=after))["me"]["consents"]

    newest_first = [str(consent.id) for consent in reversed(granted)]
    assert [edge["node"]["id"] for edge in first["edges"]] == newest_first[:2]
    assert [edge["node"]["id"] for edge in second["edges"]] == newest_first[2:]
    assert (first["pageInfo"]["hasNextPage"], second["pageInfo"]["hasNextPage"]) == (
        True,
        False,
    )


@pytest.mark.parametrize(
    ("variables", "code"),
    [
        ({"first": 0}, "INVALID_ARGUMENT"),
        ({"first": 5, "after": "x"}, "INVALID_CURSOR"),
    ],
)
async def test_a_bad_paging_argument_is_an_error_on_the_list(
    api: Api, client: httpx.AsyncClient, rohan: Account, variables: Any, code: str
) -> None:
    for query in (MY_CONSENTS, MY_ACTIVITY):
        response = await client.post(
            "/graphql",
            json={"query": query, "variables": variables},
            headers={"authorization": f"Bearer {api.token}"},
        )
        result = response.json()

        assert result["data"]["me"] in ({"consents": None}, {"activity": None})
        assert result["errors"][0]["extensions"]["code"] == code


async def test_the_activity_log_shows_every_read_and_change(
    api: Api,
    services: Services,
    clock: FrozenClock,
    rohan: Account,
    passport_office: Requester,
) -> None:
    consent = await grant(services, rohan, passport_office)
    clock.advance(300)
    await services.consents.authorize_read(
        consent.id, PAN_URI, DocumentForm.XML, requester=passport_office
    )
    clock.advance(300)
    await api(REVOKE_CONSENT, id=str(consent.id))
    await services.consents.deny(rohan, passport_office, purpose_code="PASSPORT")

    first = (await api(MY_ACTIVITY, first=3))["me"]["activity"]
    after = first["pageInfo"]["endCursor"]
    rest = (await api(MY_ACTIVITY, first=3, after=after))["me"]["activity"]

    entries = [edge["node"] for edge in first["edges"] + rest["edges"]]
    assert first["totalCount"] == 4
    assert [entry["seq"] for entry in entries] == [4, 3, 2, 1]
    assert [entry["kind"] for entry in entries] == [
        "CONSENT_DENIED",
        "CONSENT_REVOKED",
        "DOCUMENT_READ",
        "CONSENT_GRANTED",
    ]
    read = entries[2]
    assert read["requester"] == {
        "name": "Regional Passport Office, Pune",
        "orgId": "passport-pune",
    }
    assert (read["documentUri"], read["form"]) == (PAN_URI, "XML")
    assert (read["purpose"], read["consentId"]) == (PURPOSE, str(consent.id))
    assert entries[0]["consentId"] is None
    assert len({entry["hash"] for entry in entries}) == 4


async def test_the_exported_log_can_be_checked_without_the_locker(
    api: Api, services: Services, rohan: Account, passport_office: Requester
) -> None:
    consent = await grant(services, rohan, passport_office, max_reads=None)
    for uri, form in ((LICENCE_URI, DocumentForm.PDF), (PAN_URI, DocumentForm.XML)):
        await services.consents.authorize_read(
            consent.id, uri, form, requester=passport_office
        )

    exported = json.loads(
        (await api(ACTIVITY_EXPORT, format="JSON"))["me"]["activityExport"]
    )
    table = (await api(ACTIVITY_EXPORT, format="CSV"))["me"]["activityExport"]

    previous = "0" * 64
    for entry in exported["entries"]:
        record = {key: value for key, value in entry.items() if key != "hash"}
        text = json.dumps(
            record, sort_keys=True, separators=(",", ":"), ensure_ascii=False
        )
        digest = hashlib.sha256(f"openlocker-activity-v1\n{text}".encode()).hexdigest()
        assert entry["prev_hash"] == previous
        assert entry["hash"] == digest
        previous = digest
    assert [entry["kind"] for entry in exported["entries"]] == [
        "consent_granted",
        "document_read",
        "document_read",
    ]
    rows = list(csv.DictReader(io.StringIO(table)))
    assert [row["hash"] for row in rows] == [e["hash"] for e in exported["entries"]]
    assert rows[1]["document_uri"] == LICENCE_URI
