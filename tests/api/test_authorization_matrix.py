"""Who may call what: every root field and mutation, as every kind of caller.

The fields come from the schema itself, so a new field without a row here
fails ``test_every_root_field_and_mutation_has_a_row``. Each field has a
probe: a document with arguments chosen so that a caller who is let through
gets a known, harmless answer (``allowed``): often a refusal of the deliberately
wrong argument, which shows that the access check was passed without changing
anything. The table then says, for each caller, ``ok`` (the probe's
``allowed`` answer) or the exact code it is refused with.

Callers: nobody (no token); residents A (Rohan, who holds the documents and
gave the consents) and B (Aarav); a requester holding a token for A's active
consent, one for a consent A revoked, one for a consent whose time ran out;
and an issuer with its issuer token (``olis_…``), which may push documents and
is otherwise treated as nobody.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import pytest
from graphql import GraphQLObjectType

from config.settings import Settings
from schema import build_schema
from services.clock import FrozenClock
from tests.api.conftest import Api
from tests.api.sharing import (
    LICENCE_URI,
    app_services,
    grant,
    register_employer,
    requester_api,
    rohan_with_documents,
)

CALLERS = ("nobody", "A", "B", "requester", "revoked", "expired", "issuer")

CODES = {
    "NA": "NOT_AUTHENTICATED",
    "NFR": "NOT_FOR_REQUESTERS",
    "RO": "REQUESTERS_ONLY",
    "REV": "CONSENT_REVOKED",
    "EXP": "CONSENT_EXPIRED",
    "CNF": "CONSENT_NOT_FOUND",
    "DNF": "DOCUMENT_NOT_FOUND",
    "IO": "ISSUERS_ONLY",
}

# ok: let through (answers the probe's `allowed`); NA: NOT_AUTHENTICATED;
# NFR: NOT_FOR_REQUESTERS; RO: REQUESTERS_ONLY; REV: CONSENT_REVOKED;
# EXP: CONSENT_EXPIRED;
# CNF: CONSENT_NOT_FOUND; DNF: DOCUMENT_NOT_FOUND; IO: ISSUERS_ONLY.
MATRIX = """
field                    nobody  A    B    requester  revoked  expired  issuer
issuers                  ok      ok   ok   ok         ok       ok       ok
stats                    ok      ok   ok   ok         ok       ok       ok
lockerCertificateAuthority ok    ok   ok   ok         ok       ok       ok
consentSigningKeys       ok      ok   ok   ok         ok       ok       ok
me                       NA      ok   ok   NFR        NFR      NFR      NA
document                 NA      ok   DNF  NFR        NFR      NFR      NA
sharedConsent            NA      RO   RO   ok         ok       ok       NA
sharedDocument           NA      RO   RO   ok         REV      EXP      NA
verifyDocument           NA      RO   RO   ok         REV      EXP      NA
startSignUp              ok      ok   ok   NFR        NFR      NFR      ok
verifySignUp             ok      ok   ok   NFR        NFR      NFR      ok
completeSignUp           ok      ok   ok   NFR        NFR      NFR      ok
logIn                    ok      ok   ok   NFR        NFR      NFR      ok
startUsernameRecovery    ok      ok   ok   NFR        NFR      NFR      ok
confirmUsernameRecovery  ok      ok   ok   NFR        NFR      NFR      ok
startPasswordReset       ok      ok   ok   NFR        NFR      NFR      ok
completePasswordReset    ok      ok   ok   NFR        NFR      NFR      ok
changePassword           NA      ok   ok   NFR        NFR      NFR      NA
startMobileChange        NA      ok   ok   NFR        NFR      NFR      NA
confirmMobileChange      NA      ok   ok   NFR        NFR      NFR      NA
endSession               NA      ok   ok   NFR        NFR      NFR      NA
endOtherSessions         NA      ok   ok   NFR        NFR      NFR      NA
startAccountClosure      NA      ok   ok   NFR        NFR      NFR      NA
confirmAccountClosure    NA      ok   ok   NFR        NFR      NFR      NA
startAadhaarLink         NA      ok   ok   NFR        NFR      NFR      NA
confirmAadhaarLink       NA      ok   ok   NFR        NFR      NFR      NA
pullDocument             NA      ok   ok   NFR        NFR      NFR      NA
startUpload              NA      ok   ok   NFR        NFR      NFR      NA
updateUpload             NA      ok   ok   NFR        NFR      NFR      NA
deleteUpload             NA      ok   ok   NFR        NFR      NFR      NA
requestEsign             NA      ok   ok   NFR        NFR      NFR      NA
confirmEsign             NA      ok   ok   NFR        NFR      NFR      NA
revokeConsent            NA      ok   CNF  NFR        NFR      NFR      NA
registerRequester        NA      NA   NA   NFR        NFR      NFR      NA
pushDocuments            NA      IO   IO   NFR        NFR      NFR      ok
logOut                   NA      ok   ok   NFR        NFR      NFR      NA
"""
"""Rows run in this order: ``logOut`` ends the residents' sessions, so it is last."""

ANSWER = "__typename ... on Problem { code }"
NOT_A_CHALLENGE = str(uuid.UUID(int=7))
NOT_AN_UPLOAD = str(uuid.UUID(int=8))


@dataclass(frozen=True)
class Probe:
    """A document calling one field, and what a caller who is let through gets."""

    document: str
    allowed: str
    variables: tuple[tuple[str, str], ...] = ()
    """Each variable's value, a template filled with ``caller`` and the ids."""


PROBES = {
    "issuers": Probe("{ issuers { id } }", "ok"),
    "stats": Probe("{ stats { residents } }", "ok"),
    "lockerCertificateAuthority": Probe("{ lockerCertificateAuthority }", "ok"),
    "consentSigningKeys": Probe("{ consentSigningKeys }", "ok"),
    "me": Probe(f"{{ me {{ {ANSWER} }} }}", "Resident"),
    "document": Probe(
        f'{{ document(uri: "{LICENCE_URI}") {{ {ANSWER} }} }}', "IssuedDocument"
    ),
    "sharedConsent": Probe(f"{{ sharedConsent {{ {ANSWER} }} }}", "SharedConsent"),
    "sharedDocument": Probe(
        f'{{ sharedDocument(uri: "{LICENCE_URI}") {{ {ANSWER} '
        f"... on SharedDocument {{ metadata {{ {ANSWER} }} }} }} }}",
        "SharedDocument",
    ),
    "verifyDocument": Probe(
        f'{{ verifyDocument(uri: "{LICENCE_URI}") {{ {ANSWER} }} }}',
        "DocumentVerdict",
    ),
    "startSignUp": Probe(
        f'mutation {{ startSignUp(mobile: "12345") {{ {ANSWER} }} }}',
        "INVALID_MOBILE",
    ),
    "verifySignUp": Probe(
        f'mutation {{ verifySignUp(challengeId: "{NOT_A_CHALLENGE}", '
        f'otp: "000000") {{ {ANSWER} }} }}',
        "OTP_CHALLENGE_NOT_FOUND",
    ),
    "completeSignUp": Probe(
        f'mutation {{ completeSignUp(challengeId: "{NOT_A_CHALLENGE}", '
        f'username: "kabir", password: "saffron-kettle-drum-81") {{ {ANSWER} }} }}',
        "OTP_CHALLENGE_NOT_FOUND",
    ),
    "logIn": Probe(
        f'mutation {{ logIn(identifier: "no-such-resident", '
        f'password: "saffron-kettle-drum-81") {{ {ANSWER} }} }}',
        "INVALID_CREDENTIALS",
    ),
    "startUsernameRecovery": Probe(
        f'mutation {{ startUsernameRecovery(mobile: "12345") {{ {ANSWER} }} }}',
        "INVALID_MOBILE",
    ),
    "confirmUsernameRecovery": Probe(
        f'mutation {{ confirmUsernameRecovery(challengeId: "{NOT_A_CHALLENGE}", '
        f'otp: "000000") {{ {ANSWER} }} }}',
        "OTP_CHALLENGE_NOT_FOUND",
    ),
    # One identifier per caller: a second reset for one would wait 30 seconds.
    "startPasswordReset": Probe(
        f"mutation($who: String!) {{ startPasswordReset(identifier: $who) "
        f"{{ {ANSWER} }} }}",
        "RecoveryCodeSent",
        variables=(("who", "no-such-resident-{caller}"),),
    ),
    "completePasswordReset": Probe(
        f'mutation {{ completePasswordReset(challengeId: "{NOT_A_CHALLENGE}", '
        f'otp: "000000", newPassword: "saffron-kettle-drum-81") {{ {ANSWER} }} }}',
        "OTP_CHALLENGE_NOT_FOUND",
    ),
    "changePassword": Probe(
        f'mutation {{ changePassword(currentPassword: "not-my-password-at-all", '
        f'newPassword: "saffron-kettle-drum-81") {{ {ANSWER} }} }}',
        "INVALID_CREDENTIALS",
    ),
    "startMobileChange": Probe(
        f'mutation {{ startMobileChange(newMobile: "12345") {{ {ANSWER} }} }}',
        "INVALID_MOBILE",
    ),
    "confirmMobileChange": Probe(
        f'mutation {{ confirmMobileChange(challengeId: "{NOT_A_CHALLENGE}", '
        f'currentMobileOtp: "000000", newMobileOtp: "000000") {{ {ANSWER} }} }}',
        "OTP_CHALLENGE_NOT_FOUND",
    ),
    "endSession": Probe(
        f'mutation {{ endSession(sessionId: "{NOT_A_CHALLENGE}") {{ {ANSWER} }} }}',
        "SESSION_NOT_FOUND",
    ),
    "endOtherSessions": Probe(
        f"mutation {{ endOtherSessions {{ {ANSWER} }} }}", "OtherSessionsEnded"
    ),
    "startAccountClosure": Probe(
        f"mutation {{ startAccountClosure {{ {ANSWER} }} }}", "OtpSent"
    ),
    "confirmAccountClosure": Probe(
        f'mutation {{ confirmAccountClosure(challengeId: "{NOT_A_CHALLENGE}", '
        f'otp: "000000") {{ {ANSWER} }} }}',
        "OTP_CHALLENGE_NOT_FOUND",
    ),
    "startAadhaarLink": Probe(
        f'mutation {{ startAadhaarLink(aadhaar: "1234") {{ {ANSWER} }} }}',
        "INVALID_AADHAAR",
    ),
    "confirmAadhaarLink": Probe(
        f'mutation {{ confirmAadhaarLink(transactionId: "{NOT_A_CHALLENGE}", '
        f'otp: "000000") {{ {ANSWER} }} }}',
        "OTP_CHALLENGE_NOT_FOUND",
    ),
    "pullDocument": Probe(
        f'mutation {{ pullDocument(issuerId: "in.gov.nowhere", docType: "DRVLC", '
        f"lookup: []) {{ {ANSWER} }} }}",
        "UNKNOWN_ISSUER",
    ),
    "startUpload": Probe(
        f'mutation {{ startUpload(input: {{name: "rent-agreement.pdf", size: 0}}) '
        f"{{ {ANSWER} }} }}",
        "EMPTY_FILE",
    ),
    "updateUpload": Probe(
        f'mutation {{ updateUpload(id: "{NOT_AN_UPLOAD}", '
        f'input: {{name: "lease.pdf"}}) {{ {ANSWER} }} }}',
        "DOCUMENT_NOT_FOUND",
    ),
    "deleteUpload": Probe(
        f'mutation {{ deleteUpload(id: "{NOT_AN_UPLOAD}") {{ {ANSWER} }} }}',
        "DOCUMENT_NOT_FOUND",
    ),
    "requestEsign": Probe(
        f'mutation {{ requestEsign(id: "{NOT_AN_UPLOAD}") {{ {ANSWER} }} }}',
        "DOCUMENT_NOT_FOUND",
    ),
    "confirmEsign": Probe(
        f'mutation {{ confirmEsign(challengeId: "{NOT_A_CHALLENGE}", '
        f'otp: "000000") {{ {ANSWER} }} }}',
        "OTP_CHALLENGE_NOT_FOUND",
    ),
    # A's revoked consent: A is let through (and told it is revoked already);
    # B is told there is no such consent.
    "revokeConsent": Probe(
        f"mutation($consent: ID!) {{ revokeConsent(id: $consent) {{ {ANSWER} }} }}",
        "CONSENT_REVOKED",
        variables=(("consent", "{revoked_consent}"),),
    ),
    "registerRequester": Probe(
        'mutation { registerRequester(input: {orgId: "konkan-rail", '
        'name: "Konkan Rail Recruitment Board", '
        'redirectUris: ["https://jobs.konkanrail.example.in/callback"], '
        'purposes: [{code: "RECRUITMENT", text: "Check certificates"}], '
        f'docTypes: ["HSCER"]}}) {{ {ANSWER} }} }}',
        "RequesterRegistered",
    ),
    # An issuer let through is refused the deliberately invalid Aadhaar number.
    "pushDocuments": Probe(
        'mutation { pushDocuments(documents: [{aadhaar: "1234", '
        'uri: "in.gov.cbse-HSCER-7712345", docType: "HSCER", action: ADD}]) '
        f"{{ {ANSWER} }} }}",
        "PushRefusal",
    ),
    "logOut": Probe(f"mutation {{ logOut {{ {ANSWER} }} }}", "LoggedOut"),
}


def _rows() -> list[tuple[str, dict[str, str]]]:
    lines = [line.split() for line in MATRIX.strip().splitlines()]
    header, rows = lines[0], lines[1:]
    assert tuple(header[1:]) == CALLERS
    return [(row[0], dict(zip(CALLERS, row[1:], strict=True))) for row in rows]


def _schema_fields() -> set[str]:
    schema = build_schema(Settings())._schema
    roots: list[GraphQLObjectType | None] = [schema.query_type, schema.mutation_type]
    return {name for root in roots if root is not None for name in root.fields}


def _first_problem(value: Any) -> str | None:
    """The code of the first Problem anywhere in ``value``, depth first."""
    if isinstance(value, dict):
        if value.get("__typename") == "Problem":
            return str(value["code"])
        for item in value.values():
            found = _first_problem(item)
            if found is not None:
                return found
    if isinstance(value, list):
        for item in value:
            found = _first_problem(item)
            if found is not None:
                return found
    return None


def _outcome(field: str, result: dict[str, Any]) -> str:
    """A Problem's code, the answer's type name, or ``ok`` for a plain value."""
    if result.get("errors"):
        error = result["errors"][0]
        return str(error.get("extensions", {}).get("code") or error["message"])
    value = result["data"][field]
    problem = _first_problem(value)
    if problem is not None:
        return problem
    if isinstance(value, dict) and "__typename" in value:
        return str(value["__typename"])
    return "ok"


def test_every_root_field_and_mutation_has_a_row() -> None:
    rows = [field for field, _ in _rows()]

    assert len(rows) == len(set(rows))
    assert set(rows) == _schema_fields()
    assert set(PROBES) == _schema_fields()


def test_an_issuers_token_gets_what_nobody_gets_except_pushing() -> None:
    differ = {field for field, c in _rows() if c["issuer"] != c["nobody"]}
    assert differ == {"pushDocuments"}


@pytest.fixture
async def callers(
    client: httpx.AsyncClient, api: Api, other_api: Api, clock: FrozenClock
) -> dict[str, str | None]:
    """Each caller's bearer token, and the ids the probes need."""
    services = app_services(client)
    employer = await register_employer()
    rohan = await rohan_with_documents(api)
    short = await grant(services, rohan, employer, valid_for=timedelta(minutes=2))
    expired = await requester_api(api, services, employer, short)
    clock.advance(150)

    await other_api.new_resident("9810012345", "aarav", aadhaar_of="Aarav Sharma")
    active = await requester_api(
        api, services, employer, await grant(services, rohan, employer)
    )
    to_revoke = await grant(services, rohan, employer)
    revoked = await requester_api(api, services, employer, to_revoke)
    await services.consents.revoke(rohan, to_revoke.id)

    return {
        "nobody": None,
        "A": api.token,
        "B": other_api.token,
        "requester": active.token,
        "revoked": revoked.token,
        "expired": expired.token,
        "issuer": (await services.issuer_tokens.issue("in.gov.cbse")).token,
        "revoked_consent": str(to_revoke.id),
    }


async def test_each_caller_gets_exactly_what_the_matrix_says(
    client: httpx.AsyncClient, callers: dict[str, str | None]
) -> None:
    mismatches = []

    for field, cells in _rows():
        probe = PROBES[field]
        for caller, cell in cells.items():
            variables = {
                name: template.format(caller=caller.lower(), **callers)
                for name, template in probe.variables
            }
            token = callers[caller]
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            response = await client.post(
                "/graphql",
                json={"query": probe.document, "variables": variables},
                headers=headers,
            )
            expected = probe.allowed if cell == "ok" else CODES[cell]
            got = _outcome(field, response.json())
            if got != expected:
                mismatches.append(
                    f"{field} as {caller}: expected {expected}, got {got}"
                )

    assert mismatches == [], "\n".join(mismatches)
