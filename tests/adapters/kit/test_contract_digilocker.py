"""The DigiLocker-compatible adapter keeps the adapter contract.

It runs against the state board's Pull URI service of
``tests/adapters/digilocker`` on 127.0.0.1 (invented records), once as an
issuer that signs its certificates and serves Pull Doc, and once as one that
sends each document only with the ``PullURIResponse`` that finds it.
"""

from __future__ import annotations

from typing import ClassVar

import pytest

from adapters.digilocker import digilocker_adapter
from adapters.sdk import AdapterError, IssuerAdapter, IssuerUnavailable
from adapters.sdk.contract import AdapterContract, ContractLookup
from tests.adapters.digilocker.conftest import (
    AARTI_IDENTITY,
    OMKAR_IDENTITY,
    ConfigFactory,
    certificate_pem,
)
from tests.adapters.digilocker.issuer import BoardService, SigningIdentity

EXAMPLES = (
    ContractLookup("HSCER", {"seatNumber": "M240318", "year": "2024"}, AARTI_IDENTITY),
    ContractLookup(
        "SSCER",
        {"seatNumber": "n180772", "dateOfBirth": "2006-11-02"},
        OMKAR_IDENTITY,
    ),
)
NOT_FOUND = ContractLookup(
    "HSCER", {"seatNumber": "M999999", "year": "2024"}, AARTI_IDENTITY
)


class TestSignedPullDocIssuerContract(AdapterContract):
    examples = EXAMPLES
    not_found = NOT_FOUND
    allowed_hosts = ("127.0.0.1",)

    @pytest.fixture
    def contract_adapter(
        self,
        board: BoardService,
        board_url: str,
        board_signer: SigningIdentity,
        make_config: ConfigFactory,
    ) -> IssuerAdapter:
        board.signer = board_signer
        config = make_config(
            pull_doc_url=f"{board_url}/pulldoc",
            certificate_pem=certificate_pem(board_signer),
        )
        return digilocker_adapter(config)


class TestPullUriOnlyIssuerContract(AdapterContract):
    examples = EXAMPLES
    not_found = NOT_FOUND
    allowed_hosts = ("127.0.0.1",)
    # Without Pull Doc the adapter cannot look a document up by URI: it serves
    # what a lookup just received, and asks the resident to pull again.
    unknown_uri_raises: ClassVar[type[AdapterError]] = IssuerUnavailable

    @pytest.fixture
    def contract_adapter(self, make_config: ConfigFactory) -> IssuerAdapter:
        return digilocker_adapter(make_config())
