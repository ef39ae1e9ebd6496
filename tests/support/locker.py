"""People on a running server: a resident with documents, a registered requester.

Both are made the way they are in life: the resident through the public
GraphQL API (the demo's own steps: sign-up with the OTP from the development
SMS outbox, a sandbox Aadhaar linked, a document pulled from each built-in
issuer), the requester by the operator's ``python -m cli register-requester``.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass

import httpx

from demo.journey import Journey
from examples.requester.requester import Registration
from tests.support.server import ROOT, RunningServer, free_port


@dataclass(frozen=True)
class Resident:
    """A resident's sign-in and the URIs of the documents in their locker."""

    name: str
    username: str
    password: str
    uris: tuple[str, ...]

    def uri_of(self, doc_type: str) -> str:
        """The URI of the resident's document of ``doc_type`` (``HSCER``)."""
        (uri,) = [uri for uri in self.uris if f"-{doc_type}-" in uri]
        return uri


async def resident_with_documents(server: RunningServer) -> Resident:
    """A new resident, Aadhaar linked, with the demo's three documents pulled."""
    journey = Journey(server.url, out=lambda line: None)
    async with httpx.AsyncClient(base_url=server.url, timeout=120) as http:
        username, password = await journey.sign_up(http)
        await journey.log_in(username, password)
        demo_resident = await journey.link_aadhaar(http)
        uris = await journey.pull_all(demo_resident)

    return Resident(demo_resident.name, username, password, tuple(uris))


def register_requester(
    server: RunningServer,
    *,
    org_id: str,
    name: str,
    purpose: str,
    doc_types: Sequence[str],
) -> Registration:
    """Register a requester with ``python -m cli register-requester``.

    Its redirect URI is on loopback, on a free port, where the example
    requester listens for the redirect.
    """
    redirect_uri = f"http://127.0.0.1:{free_port()}/callback"
    finished = subprocess.run(  # noqa: S603 - the project's own command
        [
            sys.executable,
            "-m",
            "cli",
            "register-requester",
            f"--org-id={org_id}",
            f"--name={name}",
            f"--redirect-uri={redirect_uri}",
            f"--purpose={purpose}",
            *(f"--doc-type={doc_type}" for doc_type in doc_types),
        ],
        cwd=ROOT,
        env=dict(server.environment),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    printed = dict(
        line.split(": ", 1) for line in finished.stdout.splitlines() if ": " in line
    )

    return Registration(
        locker_url=server.url,
        client_id=printed["client id"].strip(),
        client_secret=printed["client secret"].strip(),
        redirect_uri=redirect_uri,
    )
