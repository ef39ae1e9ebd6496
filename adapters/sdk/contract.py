"""The contract every issuer adapter keeps, as a pytest test class to subclass.

An adapter package runs the locker's whole contract with one import and one
class in its tests::

    from adapters.sdk.contract import AdapterContract, ContractLookup

    ANKIT = Identity("Ankit Negi", date(2006, 2, 14), Gender.MALE)

    class TestContract(AdapterContract):
        adapter = BoardAdapter()
        examples = (
            ContractLookup("HSCER", {"rollNumber": "24310457", "year": "2024"}, ANKIT),
        )
        not_found = ContractLookup(
            "HSCER", {"rollNumber": "24399999", "year": "2024"}, ANKIT
        )

``examples`` holds, for every doc type the adapter declares, a lookup that
finds a record and the verified identity of that record's holder;
``not_found`` a well-formed lookup that finds nothing. The suite checks that:

- the issuer, its doc types and their lookup fields are well formed: a
  reverse-domain issuer id, doc type codes of one to five capitals, field
  names of letters and digits, a label each, and examples that pass their own
  field's checks (a frontend shows them as hints);
- ``find`` answers a URI ``IssuerId-DocType-DocId`` of this issuer and the
  asked doc type, with a holder the locker would match to the example's
  identity;
- ``fetch`` of that URI answers a ``StandardDocument`` whose certificate XML
  (``adapters.sdk.xml``) is valid against the project's schema
  (``adapters/sdk/certificate.xsd``);
- a lookup that finds nothing, and a URI that names nothing, raise
  ``RecordNotFound``; malformed lookup input raises ``InvalidLookup`` naming
  the field;
- nothing but the SDK's errors (``adapters.sdk.errors``) ever escapes;
- every call finishes within the adapter's ``call_timeout_seconds``;
- no network is used, but to the hosts the class lists in ``allowed_hosts``
  (a test issuer on 127.0.0.1, say): any other connection is refused and
  fails the test, naming the host.

Calls go through ``lookup`` and ``get``, as the locker makes them, each test
on a fresh event loop: keep no state bound to one loop in the adapter. An
adapter built from fixtures (a test server's URL) overrides the
``contract_adapter`` fixture instead of setting ``adapter``.

This module imports pytest: import it from tests only.
"""

from __future__ import annotations

import asyncio
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import ClassVar

import pytest

from adapters.kit.calls import AdapterCalls, ContractLookup
from adapters.kit.network import NetworkGuard
from adapters.sdk.base import IssuerAdapter
from adapters.sdk.document import (
    DOC_TYPE_PATTERN,
    ISSUER_ID_PATTERN,
    DocumentUri,
    Organization,
    StandardDocument,
    make_uri,
)
from adapters.sdk.errors import AdapterError, InvalidLookup, RecordNotFound
from adapters.sdk.identity import FindResult, names_match
from adapters.sdk.lookup import DocTypeSpec, LookupField
from adapters.sdk.schema import CertificateInvalid, validate_certificate
from adapters.sdk.xml import certificate_bytes

__all__ = ["AdapterCalls", "AdapterContract", "ContractLookup"]

FIELD_NAME_PATTERN = r"[A-Za-z][A-Za-z0-9]{0,63}"
# A doc id no issuer is expected to have: the suite asks for it to see
# ``RecordNotFound``.
UNKNOWN_DOC_ID = "0000000000"
# Doc ids of odd shapes, all of the URI's form: each must answer a document or
# one of the SDK's errors, never a crash.
ODD_DOC_IDS = ("1", "Z" * 100, "a.b/c", "2024/..", "9" * 12)
# Typed values that no sensible pattern accepts, tried in this order.
MALFORMED_VALUES = ("#?!", "\u202e\u0000", "x" * 300)


class AdapterContract:
    """The adapter contract; subclass it as ``TestContract`` in a test module.

    Set ``adapter`` (or override the ``contract_adapter`` fixture),
    ``examples`` and ``not_found``; see the module docstring. Optional:

    - ``allowed_hosts``: hosts the adapter may connect to during the tests
      (a test issuer on ``127.0.0.1``); none by default.
    - ``unknown_uri_raises``: what ``get`` raises for a URI of this issuer
      that names no document; ``RecordNotFound`` unless the adapter cannot
      look documents up by URI at all (a DigiLocker issuer without Pull Doc
      answers ``IssuerUnavailable``: pull it again).
    """

    adapter: ClassVar[IssuerAdapter]
    examples: ClassVar[Sequence[ContractLookup]] = ()
    not_found: ClassVar[ContractLookup | None] = None
    allowed_hosts: ClassVar[tuple[str, ...]] = ()
    unknown_uri_raises: ClassVar[type[AdapterError]] = RecordNotFound

    def pytest_generate_tests(self, metafunc: pytest.Metafunc) -> None:
        """Run the per-example checks once for each example."""
        if "example" in metafunc.fixturenames:
            metafunc.parametrize(
                "example",
                list(self.examples),
                ids=[
                    f"{example.doc_type}-{number}"
                    for number, example in enumerate(self.examples, start=1)
                ],
            )

    @pytest.fixture
    def contract_adapter(self) -> IssuerAdapter:
        """The adapter under test; override to build it from other fixtures."""
        adapter = getattr(type(self), "adapter", None)
        if not isinstance(adapter, IssuerAdapter):
            pytest.fail(
                f"{type(self).__name__} needs an adapter: set adapter = "
                "YourAdapter() on the class, or override the contract_adapter "
                "fixture.",
                pytrace=False,
            )
        return adapter

    @pytest.fixture
    def adapter_calls(self, contract_adapter: IssuerAdapter) -> Iterator[AdapterCalls]:
        """Calls to the adapter on a fresh event loop, with the network guarded."""
        with (
            NetworkGuard(self.allowed_hosts) as guard,
            asyncio.Runner(loop_factory=asyncio.SelectorEventLoop) as runner,
        ):
            yield AdapterCalls(contract_adapter, guard, runner)

    # The issuer as declared

    def test_declares_who_the_issuer_is(self, contract_adapter: IssuerAdapter) -> None:
        adapter = contract_adapter

        assert re.fullmatch(ISSUER_ID_PATTERN, adapter.issuer_id), (
            f"issuer_id {adapter.issuer_id!r} should be reverse-domain, like "
            "'in.gov.cbse'"
        )
        assert adapter.name.strip(), "name should say who the issuer is"
        assert isinstance(adapter.organization, Organization), (
            "organization should be an adapters.sdk.Organization (IssuedBy)"
        )
        assert adapter.organization.name.strip(), "organization.name is empty"
        timeout = adapter.call_timeout_seconds
        assert isinstance(timeout, int | float), "call_timeout_seconds is a number"
        assert timeout > 0, f"call_timeout_seconds is {timeout!r}; make it positive"
        assert math.isfinite(timeout), "call_timeout_seconds should be finite"
        stale = adapter.stale_copy_seconds
        assert isinstance(stale, int), "stale_copy_seconds is a whole number"
        assert stale >= 0, f"stale_copy_seconds is {stale!r}; make it 0 or more"

    def test_declares_well_formed_doc_types(
        self, contract_adapter: IssuerAdapter
    ) -> None:
        doc_types = contract_adapter.doc_types

        assert doc_types, "doc_types should declare at least one doc type"
        codes = [spec.code for spec in doc_types]
        assert len(set(codes)) == len(codes), f"doc type codes repeat: {codes}"
        for spec in doc_types:
            assert isinstance(spec, DocTypeSpec), f"{spec!r} is not a DocTypeSpec"
            assert re.fullmatch(DOC_TYPE_PATTERN, spec.code), (
                f"doc type code {spec.code!r} should be 1 to 5 capital letters"
            )
            assert spec.name.strip(), f"doc type {spec.code} has no name"
            assert spec.description.strip(), f"doc type {spec.code} has no description"

    def test_declares_well_formed_lookup_fields(
        self, contract_adapter: IssuerAdapter
    ) -> None:
        for spec in contract_adapter.doc_types:
            names = [lookup.name for lookup in spec.lookup_fields]
            assert len(set(names)) == len(names), (
                f"{spec.code}: lookup field names repeat: {names}"
            )
            for lookup in spec.lookup_fields:
                _check_lookup_field(spec.code, lookup)

    def test_examples_cover_every_doc_type(
        self, contract_adapter: IssuerAdapter
    ) -> None:
        declared = {spec.code for spec in contract_adapter.doc_types}
        covered = {example.doc_type for example in self.examples}

        assert declared <= covered, (
            f"examples should find a record of every doc type; none finds "
            f"{', '.join(sorted(declared - covered))}"
        )
        assert covered <= declared, (
            f"examples name doc types the adapter does not declare: "
            f"{', '.join(sorted(covered - declared))}"
        )
        assert self.not_found is not None, (
            "not_found should be a ContractLookup that finds no record"
        )

    # Finding and fetching

    def test_find_answers_a_uri_of_this_issuer_and_doc_type(
        self, adapter_calls: AdapterCalls, example: ContractLookup
    ) -> None:
        issuer_id = adapter_calls.adapter.issuer_id

        found = adapter_calls.found(example)

        assert isinstance(found, FindResult), f"find answered {found!r}"
        try:
            uri = DocumentUri.parse(found.uri)
        except ValueError:
            pytest.fail(
                f"find answered {found.uri!r}, not a URI IssuerId-DocType-DocId; "
                "build it with adapters.sdk.make_uri",
                pytrace=False,
            )
        assert (uri.issuer_id, uri.doc_type) == (issuer_id, example.doc_type), (
            f"find answered {found.uri}, which is not a {example.doc_type} of "
            f"{issuer_id}"
        )
        assert found.uri == str(uri), f"{found.uri!r} has spaces around it"

    def test_find_names_the_examples_holder(
        self, adapter_calls: AdapterCalls, example: ContractLookup
    ) -> None:
        identity = example.identity

        found = adapter_calls.found(example)

        if found.verdict is not None:
            assert found.verdict.confirmed, (
                f"the issuer's verdict on {identity.name} is {found.verdict}; "
                "the locker would refuse the example's own holder"
            )
            return
        holder = found.holder
        assert holder is not None
        assert holder.dob is None or holder.dob == identity.dob, (
            f"find answered a holder born {holder.dob}, the example's identity "
            f"was born {identity.dob}"
        )
        assert names_match(holder.name, identity.name), (
            f"find answered the holder {holder.name!r}, which the locker does not "
            f"match to the example's identity {identity.name!r}"
        )

    def test_fetch_answers_a_document_valid_against_the_schema(
        self, adapter_calls: AdapterCalls, example: ContractLookup
    ) -> None:
        uri = adapter_calls.found(example).uri

        document = adapter_calls.fetched(uri)

        assert isinstance(document, StandardDocument), (
            f"fetch answered {type(document).__name__}, not a StandardDocument"
        )
        assert document.uri == uri, f"fetch({uri!r}) answered {document.uri!r}"
        assert document.doc_type == example.doc_type, (
            f"fetch({uri!r}) answered a {document.doc_type}"
        )
        problem = _certificate_problem(document)
        assert problem is None, f"the certificate XML of {uri} {problem}"

    # Errors

    def test_lookup_that_finds_nothing_raises_record_not_found(
        self, adapter_calls: AdapterCalls
    ) -> None:
        missing = self.not_found
        assert missing is not None, "not_found should name a lookup that finds nothing"

        raised = adapter_calls.raised(adapter_calls.lookup, missing)

        assert isinstance(raised, RecordNotFound), (
            f"a lookup that finds nothing should raise RecordNotFound; it "
            f"{_outcome(raised)}"
        )
        assert raised.message.strip(), "RecordNotFound should say what to check"

    def test_uri_that_names_nothing_raises_record_not_found(
        self, adapter_calls: AdapterCalls
    ) -> None:
        adapter = adapter_calls.adapter
        expected = self.unknown_uri_raises
        unknown = [
            (make_uri(adapter.issuer_id, spec.code, UNKNOWN_DOC_ID), expected)
            for spec in adapter.doc_types
        ]
        foreign = make_uri(_another_issuer(adapter.issuer_id), "ABC", "1")
        unknown += [(foreign, RecordNotFound), ("not a uri", RecordNotFound)]

        for uri, error in unknown:
            raised = adapter_calls.raised(adapter_calls.get, uri)

            assert isinstance(raised, error), (
                f"get({uri!r}) should raise {error.__name__}; it {_outcome(raised)}"
            )

    def test_malformed_lookup_raises_invalid_lookup_naming_the_field(
        self, adapter_calls: AdapterCalls
    ) -> None:
        adapter = adapter_calls.adapter
        asker = self.examples[0].identity if self.examples else None
        assert asker is not None, "examples should not be empty"

        for spec in adapter.doc_types:
            valid = self._valid_values(spec)
            for broken, field_name in _malformed_lookups(spec, valid):
                attempt = ContractLookup(spec.code, broken, asker)
                raised = adapter_calls.raised(adapter_calls.lookup, attempt)

                assert isinstance(raised, InvalidLookup), (
                    f"{spec.code} lookup {broken!r} should raise InvalidLookup; "
                    f"it {_outcome(raised)}"
                )
                assert raised.field == field_name, (
                    f"{spec.code} lookup {broken!r}: InvalidLookup should name "
                    f"the field {field_name!r}, not {raised.field!r}"
                )

        undeclared = _undeclared_code(adapter.doc_types)
        attempt = ContractLookup(undeclared, {}, asker)
        raised = adapter_calls.raised(adapter_calls.lookup, attempt)
        assert isinstance(raised, InvalidLookup), (
            f"a lookup of the undeclared doc type {undeclared} should raise "
            f"InvalidLookup; it {_outcome(raised)}"
        )

    def test_odd_uris_answer_a_document_or_an_sdk_error(
        self, adapter_calls: AdapterCalls
    ) -> None:
        adapter = adapter_calls.adapter

        for spec in adapter.doc_types:
            for doc_id in ODD_DOC_IDS:
                uri = make_uri(adapter.issuer_id, spec.code, doc_id)
                # A crash or an error that is not the SDK's fails inside the call.
                adapter_calls.raised(adapter_calls.get, uri)

    def test_declared_field_examples_answer_a_record_or_an_sdk_error(
        self, adapter_calls: AdapterCalls
    ) -> None:
        adapter = adapter_calls.adapter
        asker = self.examples[0].identity if self.examples else None
        assert asker is not None, "examples should not be empty"

        for spec in adapter.doc_types:
            typed = {lookup.name: lookup.example for lookup in spec.lookup_fields}
            attempt = ContractLookup(spec.code, typed, asker)
            # A crash or an error that is not the SDK's fails inside the call.
            adapter_calls.raised(adapter_calls.lookup, attempt)

    def _valid_values(self, spec: DocTypeSpec) -> dict[str, str]:
        """Values that pass every field of ``spec``: an example's, else the hints."""
        for example in self.examples:
            if example.doc_type == spec.code:
                return dict(example.lookup)
        return {lookup.name: lookup.example for lookup in spec.lookup_fields}


def _check_lookup_field(code: str, lookup: LookupField) -> None:
    __tracebackhide__ = True
    where = f"{code} lookup field {lookup.name!r}"
    assert re.fullmatch(FIELD_NAME_PATTERN, lookup.name), (
        f"{where}: a name is letters and digits, starting with a letter, like "
        "'rollNumber'"
    )
    assert lookup.label.strip(), f"{where} has no label to show residents"
    assert lookup.example.strip(), f"{where} has no example to show residents"
    try:
        re.compile(lookup.pattern)
    except re.error as error:
        pytest.fail(f"{where}: pattern is not a regular expression: {error}")
    try:
        lookup.clean(lookup.example)
    except InvalidLookup as refused:
        pytest.fail(
            f"{where}: its own example {lookup.example!r} is refused: "
            f"{refused.message}",
            pytrace=False,
        )


def _certificate_problem(document: StandardDocument) -> str | None:
    """What is wrong with ``document``'s certificate XML, or None if it is valid."""
    try:
        validate_certificate(certificate_bytes(document))
    except CertificateInvalid as invalid:
        reasons = "\n  ".join(invalid.reasons or (invalid.message,))
        return f"is not valid against adapters/sdk/certificate.xsd:\n  {reasons}"
    except ValueError as error:
        # lxml refuses a tag or attribute name that is not XML.
        return f"cannot be built: {error}"
    return None


def _malformed_lookups(
    spec: DocTypeSpec, valid: Mapping[str, str]
) -> Iterator[tuple[dict[str, str], str]]:
    """Lookups that must be refused, each with the field the refusal names."""
    for lookup in spec.lookup_fields:
        yield {**valid, lookup.name: ""}, lookup.name
        without = {name: value for name, value in valid.items() if name != lookup.name}
        yield without, lookup.name
        for value in MALFORMED_VALUES:
            typed = value.strip().upper() if lookup.uppercase else value.strip()
            if re.fullmatch(lookup.pattern, typed) is None:
                yield {**valid, lookup.name: value}, lookup.name
                break
    yield {**valid, "notAField": "1"}, "notAField"


def _undeclared_code(doc_types: Sequence[DocTypeSpec]) -> str:
    declared = {spec.code for spec in doc_types}
    return next(code for code in ("ZZZZZ", "ZZZZY", "ZZZZX") if code not in declared)


def _another_issuer(issuer_id: str) -> str:
    return "in.gov.elsewhere" if issuer_id != "in.gov.elsewhere" else "in.gov.other"


def _outcome(raised: AdapterError | None) -> str:
    if raised is None:
        return "answered instead"
    return f"raised {type(raised).__name__}: {raised.message}"
