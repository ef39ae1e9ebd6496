"""Steps and queries for tests of requesters reading under a consent.

Consents are granted through the service, as the consent page does, and
tokens are issued with ``services.tokens.issue``, as the token endpoint does.
"""

from __future__ import annotations

from datetime import timedelta

import httpx

from models import Account, Consent, Requester
from services.container import Services
from tests.api.conftest import Api

ROHAN_LICENCE = {"licenceNumber": "MH1220160012345", "dateOfBirth": "21-07-1998"}
ROHAN_PAN = {
    "pan": "BKRPM4817L",
    "fullName": "ROHAN MEHTA",
    "dateOfBirth": "21-07-1998",
}
ROHAN_RC = {"registrationNumber": "MH12AB1234", "chassisLast5": "47319"}
LICENCE_URI = "in.gov.transport-DRVLC-MH1220160012345"
PAN_URI = "in.gov.pan-PANCR-BKRPM4817L"
RC_URI = "in.gov.transport-RVCER-MH12AB1234"
PURPOSE = "Background verification before joining as a field engineer"
EMPLOYER = "Sahyadri Field Services Pvt Ltd"

PROBLEM = "... on Problem { code message field }"
SHARED_CONSENT = f"""{{
  sharedConsent {{
    ... on SharedConsent {{
      id requester {{ name orgId }} purpose {{ code text }} validFrom validUntil
      reads maxReads status revokedAt artefact
      documents {{ uri docType forms }}
    }}
    {PROBLEM}
  }}
}}"""
METADATA = f"""query($uri: String!) {{
  sharedDocument(uri: $uri) {{
    ... on SharedDocument {{
      metadata {{
        ... on SharedMetadata {{
          uri issuerId issuerName docType name pulledAt status issueDate
          validFrom expiryDate
        }}
        {PROBLEM}
      }}
    }}
    {PROBLEM}
  }}
}}"""
XML = f"""query($uri: String!) {{
  sharedDocument(uri: $uri) {{
    ... on SharedDocument {{ xml {{ ... on SharedXml {{ xml }} {PROBLEM} }} }}
    {PROBLEM}
  }}
}}"""
PDF_LINK = f"""query($uri: String!) {{
  sharedDocument(uri: $uri) {{
    ... on SharedDocument {{
      pdfLink {{ ... on DownloadLink {{ url expiresAt }} {PROBLEM} }}
    }}
    {PROBLEM}
  }}
}}"""
VERIFY = f"""query($uri: String!) {{
  verifyDocument(uri: $uri) {{
    ... on DocumentVerdict {{
      authentic signatureValid status uri issuerId issuerName docType checkedAt
      reasons
    }}
    {PROBLEM}
  }}
}}"""
REVOKE_CONSENT = f"""mutation($id: ID!) {{
  revokeConsent(id: $id) {{
    ... on ConsentRevoked {{ consent {{ status }} }}
    {PROBLEM}
  }}
}}"""
MY_ACTIVITY = """{
  me { ... on Resident {
    activity(first: 50) { edges { node {
      kind requester { name orgId } documentUri form consentId
    } } }
  } }
}"""


def app_services(client: httpx.AsyncClient) -> Services:
    """The running app's own services."""
    transport = client._transport
    assert isinstance(transport, httpx.ASGITransport)
    found: Services = transport.app.state.services  # type: ignore[attr-defined]
    return found


async def register_employer(org_id: str = "sahyadri-field") -> Requester:
    return await Requester.create(
        org_id=org_id,
        name=EMPLOYER,
        client_id=f"rq_{org_id.replace('-', '_')}",
        purposes=[{"code": "EMPLOYMENT", "text": PURPOSE}],
        doc_types=["DRVLC", "PANCR", "RVCER", "HSCER"],
        redirect_uris=["https://careers.sahyadri.example.in/openlocker/callback"],
    )


async def rohan_with_documents(api: Api) -> Account:
    """Rohan Mehta, signed in, with his licence, PAN and vehicle's RC pulled."""
    await api.new_resident("9822034567", "rohan", aadhaar_of="Rohan Mehta")
    await api.pull("in.gov.transport", "DRVLC", **ROHAN_LICENCE)
    await api.pull("in.gov.pan", "PANCR", **ROHAN_PAN)
    await api.pull("in.gov.transport", "RVCER", **ROHAN_RC)
    return await Account.get(username="rohan")


async def grant(
    services: Services,
    account: Account,
    requester: Requester,
    *,
    max_reads: int | None = None,
    valid_for: timedelta = timedelta(days=7),
) -> Consent:
    """Rohan's licence as metadata and PDF, his PAN as XML; not his RC."""
    return await services.consents.grant(
        account,
        requester,
        purpose_code="EMPLOYMENT",
        documents=[(LICENCE_URI, ["metadata", "pdf"]), (PAN_URI, ["xml"])],
        valid_for=valid_for,
        max_reads=max_reads,
    )


async def requester_api(
    api: Api, services: Services, requester: Requester, consent: Consent
) -> Api:
    """A client holding a fresh access token for ``consent``."""
    issued = await services.tokens.issue(requester, consent)
    return Api(app_transport=api.app_transport, sms=api.sms, token=issued.access_token)
