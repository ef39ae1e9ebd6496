"""The schema as frontend developers meet it: documented, exported, guarded."""

from __future__ import annotations

import logging

import httpx
import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLUnionType,
)

from adapters.sdk import AdapterError
from config.settings import Settings
from schema import SDL_PATH, build_schema
from schema.errors import ErrorCode
from services.errors import LockerError


def test_exported_sdl_matches_the_schema() -> None:
    sdl = build_schema(Settings()).as_str() + "\n"

    assert SDL_PATH.read_text(encoding="utf-8") == sdl, (
        "schema/schema.graphql is stale: run `python -m cli export-schema`"
    )


def test_every_type_field_and_argument_has_a_description() -> None:
    schema = build_schema(Settings())._schema
    missing = []

    for name, graphql_type in schema.type_map.items():
        if name.startswith("__") or name in {"String", "Int", "Boolean", "ID", "Float"}:
            continue
        if not graphql_type.description:
            missing.append(name)
        if isinstance(graphql_type, GraphQLEnumType):
            missing += [
                f"{name}.{value_name}"
                for value_name, value in graphql_type.values.items()
                if not value.description and name not in {"DocumentStatus", "Gender"}
            ]
        if isinstance(
            graphql_type,
            GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType,
        ):
            for field_name, field in graphql_type.fields.items():
                if not field.description:
                    missing.append(f"{name}.{field_name}")
                for argument_name, argument in getattr(field, "args", {}).items():
                    if not argument.description:
                        missing.append(f"{name}.{field_name}({argument_name})")
        if isinstance(graphql_type, GraphQLUnionType) and not graphql_type.description:
            missing.append(name)

    assert missing == []


async def _post(client: httpx.AsyncClient, query: str) -> dict[str, object]:
    response = await client.post("/graphql", json={"query": query})
    result: dict[str, object] = response.json()
    return result


async def test_query_deeper_than_the_limit_is_refused(
    client: httpx.AsyncClient,
) -> None:
    query = "{ issuers { docTypes { lookupFields { name } } } }"
    strict = build_schema(Settings(graphql_max_depth=2))

    refused = await strict.execute(query)
    accepted = await _post(client, query)

    assert refused.errors is not None
    assert "exceeds maximum operation depth" in refused.errors[0].message
    assert "errors" not in accepted


async def test_many_aliases_are_refused(client: httpx.AsyncClient) -> None:
    query = "{ " + " ".join(f"a{i}: stats {{ issuers }}" for i in range(20)) + " }"

    result = await _post(client, query)

    assert "errors" in result
    assert "aliases" in str(result["errors"]).lower()


async def test_huge_query_is_refused_by_token_limit(client: httpx.AsyncClient) -> None:
    query = "{ stats { " + " ".join(["issuers"] * 3000) + " } }"

    result = await _post(client, query)

    assert "errors" in result
    assert "token" in str(result["errors"]).lower()


async def test_crash_is_masked_for_the_client_and_logged_with_traceback(
    client: httpx.AsyncClient,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    import resolvers.documents

    async def broken(context: object) -> None:
        raise RuntimeError("database on fire: secret detail")

    monkeypatch.setattr(resolvers.documents, "stats", broken)
    caplog.set_level(logging.ERROR)

    result = await _post(client, "{ stats { issuers } }")

    assert result["errors"][0]["message"] == "Unexpected error."  # type: ignore[index]
    assert "secret detail" not in str(result)
    assert any(
        record.exc_info and "database on fire" in str(record.exc_info[1])
        for record in caplog.records
    )


def _codes(base: type[LockerError] | type[AdapterError]) -> set[str]:
    codes: set[str] = set()
    for subclass in base.__subclasses__():
        codes |= {subclass.code, *_codes(subclass)}
    return codes


def test_every_error_code_a_service_or_adapter_raises_is_in_the_enum() -> None:
    import services.documents.errors  # noqa: F401 - registers its error classes

    codes = _codes(LockerError) | _codes(AdapterError)

    assert codes - {code.name for code in ErrorCode} == set()
