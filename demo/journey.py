"""A resident's journey, step by step, through the public GraphQL API over HTTP."""

from __future__ import annotations

import io
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import anyio
import httpx
from gql import Client, GraphQLRequest
from gql.transport.exceptions import TransportError
from gql.transport.httpx import HTTPXAsyncTransport
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from demo import queries
from services.documents.pdf_signing import verify_pdf
from services.documents.xml_signing import verify_certificate
from services.esign.verify import verify_pdf as verify_esigned_pdf


def rent_agreement(tenant: str) -> bytes:
    """A one-page rent agreement for ``tenant``, with an invented landlord."""
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    page.setTitle("Rent agreement")
    lines = [
        "RENT AGREEMENT",
        "",
        "This agreement is made at Pune on 1 December 2026 between",
        "Landlord: Suresh Kulkarni, 12 Prabhat Road, Pune 411004",
        f"Tenant: {tenant}",
        "Premises: Flat 4B, Sai Residency, Kothrud, Pune 411038",
        "Term: 11 months from 1 January 2027",
        "Monthly rent: Rs 21,000, payable by the 5th of each month",
        "Security deposit: Rs 63,000, refundable at the end of the term",
    ]
    for number, line in enumerate(lines):
        page.drawString(72, 770 - 18 * number, line)
    page.showPage()
    page.save()
    return buffer.getvalue()


class DemoFailed(Exception):
    """A step of the demo did not do what it should."""


@dataclass(frozen=True)
class Pull:
    issuer_id: str
    doc_type: str
    lookup: dict[str, str]


@dataclass(frozen=True)
class DemoResident:
    """A sandbox eKYC resident with a document at each built-in issuer."""

    name: str
    aadhaar: str
    aadhaar_mobile: str
    pulls: tuple[Pull, ...]


# Invented people from the sandbox fixture and the built-in issuers' sample data.
# Each Aadhaar number links to one account only, so the demo takes the first one
# not yet linked on the server it runs against.
def _resident(
    name: str,
    aadhaar: str,
    mobile: str,
    dob: str,
    roll: str,
    year: str,
    licence: str,
    pan: str,
) -> DemoResident:
    return DemoResident(
        name=name,
        aadhaar=aadhaar,
        aadhaar_mobile=mobile,
        pulls=(
            Pull("in.gov.cbse", "HSCER", {"rollNumber": roll, "year": year}),
            Pull(
                "in.gov.transport",
                "DRVLC",
                {"licenceNumber": licence, "dateOfBirth": dob},
            ),
            Pull(
                "in.gov.pan",
                "PANCR",
                {"pan": pan, "fullName": name, "dateOfBirth": dob},
            ),
        ),
    )


DEMO_RESIDENTS = (
    _resident(
        "Rohan Mehta",
        "339099603089",
        "9822034567",
        "21-07-1998",
        "91428301",
        "2016",
        "MH12 2016 0012345",
        "BKRPM4817L",
    ),
    _resident(
        "Sneha Patil",
        "452760189555",
        "9890089012",
        "11-04-1995",
        "63457210",
        "2013",
        "MH15-2014-0023456",
        "DFWPP7730Q",
    ),
    _resident(
        "Deepak Kumar Yadav",
        "697465075295",
        "9935001234",
        "29-02-1992",
        "47203115",
        "2010",
        "UP6520120045612",
        "EJXPY3398N",
    ),
)

Out = Callable[[str], object]


def _payload(data: dict[str, Any], field: str) -> dict[str, Any]:
    """The result of ``field``; ``DemoFailed`` when the API answered a Problem."""
    result: dict[str, Any] = data[field]
    if "code" in result and "message" in result:
        raise DemoFailed(f"{field}: {result['code']}: {result['message']}")
    return result


class Journey:
    """One run of the demo against ``base_url``."""

    def __init__(self, base_url: str, out: Out) -> None:
        self.base_url = base_url.rstrip("/")
        self.out = out
        self.token: str | None = None
        self.mobile = ""

    async def call(self, document: str, **variables: Any) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        transport = HTTPXAsyncTransport(
            url=f"{self.base_url}/graphql", headers=headers, timeout=120
        )
        async with Client(transport=transport) as session:
            request = GraphQLRequest(document, variable_values=variables)
            result: dict[str, Any] = await session.execute(request)
        return result

    async def latest_otp(self, http: httpx.AsyncClient, mobile: str) -> str:
        response = await http.get("/dev/sms", params={"mobile": mobile})
        if response.status_code == 404:
            raise DemoFailed(
                "the server has no /dev/sms outbox: run it in development with "
                "LOCKER_SMS_SENDER=log (the default) to read OTPs"
            )
        messages = response.json()["messages"]
        for message in reversed(messages):
            found = re.search(r"\b(\d{6})\b", message["text"])
            if found:
                return found.group(1)
        raise DemoFailed(f"no OTP was sent to {mobile[-4:].rjust(10, 'X')}")

    async def sign_up(self, http: httpx.AsyncClient) -> tuple[str, str]:
        mobile = "9" + "".join(secrets.choice("0123456789") for _ in range(9))
        username = f"demo_{secrets.token_hex(4)}"
        password = secrets.token_urlsafe(18)

        self.mobile = mobile
        started = _payload(
            await self.call(queries.START_SIGN_UP, mobile=mobile),
            "startSignUp",
        )
        challenge_id = started["challengeId"]
        self.out(f"1. Sign-up: OTP sent to {started['sentTo']}")
        otp = await self.latest_otp(http, mobile)
        _payload(
            await self.call(queries.VERIFY_SIGN_UP, challengeId=challenge_id, otp=otp),
            "verifySignUp",
        )
        _payload(
            await self.call(
                queries.COMPLETE_SIGN_UP,
                challengeId=challenge_id,
                username=username,
                password=password,
            ),
            "completeSignUp",
        )
        self.out(f"   OTP verified; account {username} created")

        return username, password

    async def log_in(self, username: str, password: str) -> None:
        session = _payload(
            await self.call(queries.LOG_IN, identifier=username, password=password),
            "logIn",
        )
        self.token = session["token"]
        self.out(
            f"2. Logged in; session idles out after {session['idleTimeoutSeconds']} s"
        )

    async def link_aadhaar(self, http: httpx.AsyncClient) -> DemoResident:
        # Whether a number is linked elsewhere is told only after its OTP, and
        # a number just tried may be waiting out the resend limit: both move on
        # to the next demo resident.
        skip = {"AADHAAR_ALREADY_LINKED", "RATE_LIMITED"}
        for resident in DEMO_RESIDENTS:
            started = (
                await self.call(queries.START_AADHAAR_LINK, aadhaar=resident.aadhaar)
            )["startAadhaarLink"]
            if started.get("code") in skip:
                continue
            _payload({"startAadhaarLink": started}, "startAadhaarLink")
            otp = await self.latest_otp(http, resident.aadhaar_mobile)
            confirmed = (
                await self.call(
                    queries.CONFIRM_AADHAAR_LINK,
                    transactionId=started["transactionId"],
                    otp=otp,
                )
            )["confirmAadhaarLink"]
            if confirmed.get("code") in skip:
                continue
            linked = _payload({"confirmAadhaarLink": confirmed}, "confirmAadhaarLink")
            identity = linked["resident"]["verifiedIdentity"]
            self.out(
                f"3. Aadhaar {linked['resident']['aadhaar']} linked by eKYC OTP "
                f"(sent to {started['sentTo']}): {identity['name']}, born "
                f"{identity['dateOfBirth']}"
            )
            return resident
        raise DemoFailed(
            "every demo resident's Aadhaar is already linked on this server (or "
            "was tried in the last 30 seconds); run the server on a fresh data "
            "directory to run the demo again"
        )

    async def pull_all(self, resident: DemoResident) -> list[str]:
        uris = []
        for pull in resident.pulls:
            lookup = [{"name": k, "value": v} for k, v in pull.lookup.items()]
            pulled = _payload(
                await self.call(
                    queries.PULL_DOCUMENT,
                    issuerId=pull.issuer_id,
                    docType=pull.doc_type,
                    lookup=lookup,
                ),
                "pullDocument",
            )
            document = pulled["document"]
            uris.append(document["uri"])
            self.out(f"4. Pulled {document['name']}: {document['uri']}")
        return uris

    async def list_locker(self) -> None:
        me = _payload(await self.call(queries.MY_LOCKER), "me")
        connection = me["issuedDocuments"]
        self.out(f"5. The locker holds {connection['totalCount']} issued documents:")
        for edge in connection["edges"]:
            node = edge["node"]
            self.out(f"   - {node['name']} ({node['uri']})")

    async def read_and_verify(
        self, http: httpx.AsyncClient, uri: str, certificates: dict[str, bytes]
    ) -> None:
        found = _payload(await self.call(queries.DOCUMENT, uri=uri), "document")
        content = found["content"]
        if "code" in content:
            raise DemoFailed(f"{uri}: {content['code']}: {content['message']}")
        certificate = certificates[uri.split("-", 1)[0]]
        xml = content["xml"].encode("utf-8")
        await anyio.to_thread.run_sync(verify_certificate, xml, certificate)

        response = await http.get(content["pdf"]["url"])
        if response.status_code != 200 or not response.content.startswith(b"%PDF"):
            raise DemoFailed(f"{uri}: the PDF link answered {response.status_code}")
        verdict = await anyio.to_thread.run_sync(
            verify_pdf, response.content, certificate
        )
        if not verdict.valid:
            raise DemoFailed(f"{uri}: PDF signature not valid: {verdict.reasons}")
        self.out(
            f"6. {found['name']} ({content['status']}, {content['holderName']}): "
            f"XML signature valid ({len(xml)} bytes); PDF signature valid "
            f"({len(response.content)} bytes, signed by {verdict.signer})"
        )

    async def upload_and_esign(self, http: httpx.AsyncClient, holder: str) -> None:
        """Upload a rent agreement, eSign it, and check the signed copy."""
        agreement = rent_agreement(holder)
        started = _payload(
            await self.call(
                queries.START_UPLOAD,
                input={
                    "name": "Rent agreement.pdf",
                    "size": len(agreement),
                    "folder": "Housing",
                    "description": "Flat 4B, 11-month lease",
                },
            ),
            "startUpload",
        )
        response = await http.put(
            started["uploadUrl"],
            content=agreement,
            headers={"Authorization": f"Bearer {self.token}"},
        )
        if response.status_code != 201:
            raise DemoFailed(f"upload answered {response.status_code}: {response.text}")
        stored = response.json()
        self.out(
            f"7. Uploaded {stored['name']} ({stored['size']} bytes, "
            f"{stored['contentType']}) into {stored['folder']}"
        )

        requested = _payload(
            await self.call(queries.REQUEST_ESIGN, id=stored["id"]), "requestEsign"
        )
        otp = await self.latest_otp(http, self.mobile)
        signed = _payload(
            await self.call(
                queries.CONFIRM_ESIGN, challengeId=requested["challengeId"], otp=otp
            ),
            "confirmEsign",
        )["document"]
        found = _payload(await self.call(queries.MY_UPLOAD, id=signed["id"]), "me")[
            "upload"
        ]
        pdf = await http.get(found["downloadUrl"]["url"])
        ca = (await self.call(queries.LOCKER_CERTIFICATE_AUTHORITY))[
            "lockerCertificateAuthority"
        ]
        verdict = await anyio.to_thread.run_sync(
            lambda: verify_esigned_pdf(pdf.content, ca_certificate_pem=ca.encode())
        )
        if not verdict.valid:
            raise DemoFailed(f"the eSigned copy does not verify: {verdict.reasons}")
        self.out(
            f"8. eSigned after an OTP: {signed['name']}, signed by "
            f"{verdict.signer_name}; its signature verifies against the "
            "locker's CA"
        )

    async def run(self) -> None:
        async with httpx.AsyncClient(base_url=self.base_url, timeout=120) as http:
            issuers = (await self.call(queries.ISSUERS))["issuers"]
            self.out(
                f"0. {len(issuers)} issuers: "
                + ", ".join(issuer["name"] for issuer in issuers)
            )
            certificates = {
                issuer["id"]: issuer["certificate"].encode() for issuer in issuers
            }
            username, password = await self.sign_up(http)
            await self.log_in(username, password)
            resident = await self.link_aadhaar(http)
            uris = await self.pull_all(resident)
            await self.list_locker()
            for uri in uris:
                await self.read_and_verify(http, uri, certificates)
            await self.upload_and_esign(http, resident.name)
            _payload(await self.call(queries.LOG_OUT), "logOut")
            self.out("9. Logged out")


async def run_demo(base_url: str, out: Out) -> None:
    """Run the whole journey; ``DemoFailed`` names the step that went wrong."""
    try:
        await Journey(base_url, out).run()
    except (httpx.HTTPError, TransportError) as error:
        raise DemoFailed(f"cannot reach {base_url}: {error}") from error
