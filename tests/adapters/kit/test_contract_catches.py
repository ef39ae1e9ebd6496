"""The contract suite fails a broken adapter, saying what is wrong with it.

The adapters of ``contract_cases.py`` each break one promise; pytest runs the
contract over them in a subprocess (as an issuer's CI would), and these tests
read its report.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree

ROOT = Path(__file__).parents[3]
CASES = Path(__file__).with_name("contract_cases.py")

# Outcome of each test of each contract class: None when it passed, else the
# failure's message.
Report = dict[str, dict[str, str | None]]


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Report:
    junit = tmp_path_factory.mktemp("contract") / "report.xml"
    subprocess.run(  # noqa: S603 - our own interpreter and file
        [
            sys.executable,
            "-m",
            "pytest",
            str(CASES),
            "-p",
            "no:cacheprovider",
            "-q",
            f"--junitxml={junit}",
        ],
        cwd=ROOT,
        capture_output=True,
        check=False,
        timeout=300,
    )
    outcomes: Report = {}
    for case in etree.parse(str(junit)).iter("testcase"):
        contract = str(case.get("classname")).rsplit(".", 1)[-1]
        test = str(case.get("name")).split("[", 1)[0]
        failure = case.find("failure")
        message = None if failure is None else str(failure.get("message"))
        outcomes.setdefault(contract, {})[test] = message
    return outcomes


def failures(report: Report, contract: str) -> dict[str, str]:
    return {
        test: message
        for test, message in report[contract].items()
        if message is not None
    }


def test_an_adapter_that_keeps_the_contract_passes_every_check(
    report: Report,
) -> None:
    kept = report["TestKeptContract"]

    assert len(kept) == 12
    assert failures(report, "TestKeptContract") == {}


def test_an_error_that_is_not_the_sdks_fails_naming_it(report: Report) -> None:
    failed = failures(report, "TestCrashingContract")

    message = failed["test_lookup_that_finds_nothing_raises_record_not_found"]
    assert "raised KeyError: '24399999'" in message
    assert "raises only the SDK's errors" in message
    assert "test_uri_that_names_nothing_raises_record_not_found" in failed


def test_a_connection_to_the_internet_fails_naming_the_host(report: Report) -> None:
    failed = failures(report, "TestPhoningHomeContract")

    message = failed["test_find_answers_a_uri_of_this_issuer_and_doc_type"]
    assert "tried to use the network" in message
    assert "connect to 203.0.113.7:443" in message
    assert 'allowed_hosts = ("127.0.0.1",)' in message


def test_a_host_name_lookup_fails_as_network_use(report: Report) -> None:
    failed = failures(report, "TestLookingUpContract")

    message = failed["test_fetch_answers_a_document_valid_against_the_schema"]
    assert "look up results.hillboard.example" in message


def test_a_call_past_the_declared_timeout_fails(report: Report) -> None:
    failed = failures(report, "TestHangingContract")

    message = failed["test_fetch_answers_a_document_valid_against_the_schema"]
    assert "did not finish within the adapter's call_timeout_seconds (0.1 s)" in (
        message
    )


def test_a_document_the_schema_refuses_fails_with_the_schemas_reason(
    report: Report,
) -> None:
    failed = failures(report, "TestInvalidXmlContract")

    assert list(failed) == ["test_fetch_answers_a_document_valid_against_the_schema"]
    message = failed["test_fetch_answers_a_document_valid_against_the_schema"]
    assert "not valid against adapters/sdk/certificate.xsd" in message
    assert "/Certificate/CertificateData/Examination" in message
    assert "twenty twenty-four" in message


def test_a_uri_of_another_doc_type_fails(report: Report) -> None:
    failed = failures(report, "TestForeignUriContract")

    message = failed["test_find_answers_a_uri_of_this_issuer_and_doc_type"]
    assert "in.gov.hillboard-SSCER-24310457, which is not a HSCER" in message


def test_a_holder_the_locker_would_not_match_fails(report: Report) -> None:
    failed = failures(report, "TestStrangerContract")

    assert list(failed) == ["test_find_names_the_examples_holder"]
    assert "'Kunal Bisht'" in failed["test_find_names_the_examples_holder"]
