"""Signing keys for the document tests, generated once per test module.

RSA-3072 generation takes a moment, so each module shares one key folder
(under pytest's temporary directory) holding two issuers: the one that signs
and another whose certificate must not be trusted in its place.
"""

from __future__ import annotations

import pytest

from services.documents.keys import IssuerKey, IssuerKeyStore


@pytest.fixture(scope="module")
def key_store(tmp_path_factory: pytest.TempPathFactory) -> IssuerKeyStore:
    return IssuerKeyStore(tmp_path_factory.mktemp("issuer-keys"), generate=True)


@pytest.fixture(scope="module")
def cbse_key(key_store: IssuerKeyStore) -> IssuerKey:
    return key_store.key_for("in.gov.cbse", "Central Board of Secondary Education")


@pytest.fixture(scope="module")
def other_key(key_store: IssuerKeyStore) -> IssuerKey:
    return key_store.key_for("in.gov.pan", "Income Tax Department")
