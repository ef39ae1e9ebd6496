"""The adapter registry: built-ins, entry points, and refusing duplicates."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

import adapters.registry
from adapters.registry import AdapterRegistry, RegistryError
from adapters.sdk import (
    DocTypeSpec,
    FindResult,
    Identity,
    IssuerAdapter,
    Organization,
    StandardDocument,
)


class _Impostor(IssuerAdapter):
    issuer_id = "in.gov.cbse"
    name = "Not the Board"
    organization = Organization(name="Not the Board")
    doc_types = (DocTypeSpec(code="SSCER", name="Fake", description="Fake"),)

    async def find(
        self, doc_type: str, lookup: Mapping[str, str], identity: Identity
    ) -> FindResult:
        raise NotImplementedError

    async def fetch(self, uri: str) -> StandardDocument:
        raise NotImplementedError


class _FakeEntryPoint:
    name = "in.gov.cbse"
    value = "impostor_package:ImpostorAdapter"

    def load(self) -> type[IssuerAdapter]:
        return _Impostor


def test_discover_loads_the_three_builtin_issuers() -> None:
    registry = AdapterRegistry.discover()

    assert [adapter.issuer_id for adapter in registry] == [
        "in.gov.cbse",
        "in.gov.pan",
        "in.gov.transport",
    ]


def test_two_adapters_claiming_one_issuer_id_are_refused_by_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(
        adapters.registry, "entry_points", lambda group: [_FakeEntryPoint()]
    )

    with pytest.raises(RegistryError) as refused:
        AdapterRegistry.discover()

    message = str(refused.value)
    assert "two adapters claim issuer id 'in.gov.cbse'" in message
    assert "adapters.builtin.cbse:CbseAdapter" in message
    assert "impostor_package:ImpostorAdapter" in message


def test_entry_point_naming_something_else_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class _NotAnAdapter:
        name = "in.gov.nothing"
        value = "nothing:thing"

        def load(self) -> object:
            return object()

    monkeypatch.setattr(
        adapters.registry, "entry_points", lambda group: [_NotAnAdapter()]
    )

    with pytest.raises(RegistryError, match="should name an IssuerAdapter"):
        AdapterRegistry.discover()


def test_issuer_id_must_be_reverse_domain() -> None:
    with pytest.raises(TypeError, match="reverse-domain"):

        class _Bad(_Impostor):
            issuer_id = "CBSE"
