"""Pulling issued documents: holder matching and every refusal, through the API."""

from __future__ import annotations

from demo import queries
from tests.api.conftest import Api

ROHAN_LICENCE = {"licenceNumber": "MH12 2016 0012345", "dateOfBirth": "21-07-1998"}


async def test_resident_pulls_a_marksheet_a_licence_and_a_pan_record(
    api: Api, other_api: Api
) -> None:
    await api.new_resident("9810012345", "aarav", aadhaar_of="Aarav Sharma")
    await other_api.new_resident("9822034567", "rohan", aadhaar_of="Rohan Mehta")

    marksheet = await api.pull(
        "in.gov.cbse", "HSCER", rollNumber="16612345", year="2024"
    )
    licence = await other_api.pull("in.gov.transport", "DRVLC", **ROHAN_LICENCE)
    pan = await other_api.pull(
        "in.gov.pan",
        "PANCR",
        pan="bkrpm4817l",
        fullName="Rohan Mehta",
        dateOfBirth="21/07/1998",
    )

    assert marksheet["document"] == {
        "uri": "in.gov.cbse-HSCER-202416612345",
        "name": "Class XII Marksheet",
    }
    assert licence["document"]["uri"] == "in.gov.transport-DRVLC-MH1220160012345"
    assert pan["document"]["uri"] == "in.gov.pan-PANCR-BKRPM4817L"
    assert marksheet["alreadyInLocker"] is False


async def test_pulling_again_answers_the_same_document(api: Api) -> None:
    await api.new_resident("9822034567", "rohan", aadhaar_of="Rohan Mehta")
    await api.pull("in.gov.transport", "DRVLC", **ROHAN_LICENCE)

    again = await api.pull("in.gov.transport", "DRVLC", **ROHAN_LICENCE)
    me = await api("{ me { ... on Resident { issuedDocuments { totalCount } } } }")

    assert again["alreadyInLocker"] is True
    assert me["me"]["issuedDocuments"]["totalCount"] == 1


async def test_names_in_other_order_or_with_initials_still_match(
    api: Api, other_api: Api
) -> None:
    await api.new_resident("9415045678", "fatima", aadhaar_of="Fatima Zehra Khan")
    await other_api.new_resident(
        "9935001234", "deepak", aadhaar_of="Deepak Kumar Yadav"
    )

    reordered = await api.pull(
        "in.gov.transport",
        "DRVLC",
        licenceNumber="UP3220100034567",
        dateOfBirth="30-01-1990",
    )
    initials = await other_api.pull(
        "in.gov.transport",
        "DRVLC",
        licenceNumber="UP6520120045612",
        dateOfBirth="1992-02-29",
    )

    assert "document" in reordered, reordered
    assert "document" in initials, initials


async def test_record_with_another_birth_date_is_refused_and_not_recorded(
    api: Api,
) -> None:
    await api.new_resident("9810012345", "aarav", aadhaar_of="Aarav Sharma")

    other_aarav = await api.pull(
        "in.gov.cbse", "HSCER", rollNumber="15802117", year="2023"
    )
    me = await api("{ me { ... on Resident { issuedDocuments { totalCount } } } }")

    assert other_aarav["code"] == "HOLDER_MISMATCH"
    assert me["me"]["issuedDocuments"]["totalCount"] == 0


async def test_licence_of_a_namesake_is_refused(api: Api) -> None:
    await api.new_resident("9412012345", "meera", aadhaar_of="Meera Joshi")

    result = await api.pull(
        "in.gov.transport",
        "DRVLC",
        licenceNumber="UK0720090004321",
        dateOfBirth="03-10-1987",
    )

    assert result["code"] == "HOLDER_MISMATCH"


async def test_pan_the_department_does_not_confirm_is_refused(api: Api) -> None:
    await api.new_resident("9822034567", "rohan", aadhaar_of="Rohan Mehta")

    result = await api.pull(
        "in.gov.pan",
        "PANCR",
        pan="BKRPM4817L",
        fullName="Rohan Mehta",
        dateOfBirth="22-07-1998",
    )

    assert result["code"] == "HOLDER_MISMATCH"


async def test_lookup_matching_no_record_is_refused(api: Api) -> None:
    await api.new_resident("9810012345", "aarav", aadhaar_of="Aarav Sharma")

    result = await api.pull("in.gov.cbse", "HSCER", rollNumber="99999999", year="2024")

    assert result["code"] == "RECORD_NOT_FOUND"


async def test_malformed_lookup_names_its_field(api: Api) -> None:
    await api.new_resident("9810012345", "aarav", aadhaar_of="Aarav Sharma")

    result = await api.pull("in.gov.cbse", "HSCER", rollNumber="16-61", year="2024")

    assert result["code"] == "INVALID_LOOKUP"
    assert result["field"] == "rollNumber"


async def test_unknown_lookup_field_is_refused(api: Api) -> None:
    await api.new_resident("9810012345", "aarav", aadhaar_of="Aarav Sharma")

    result = await api.pull(
        "in.gov.cbse", "HSCER", rollNumber="16612345", year="2024", school="27041"
    )

    assert result["code"] == "INVALID_LOOKUP"
    assert result["field"] == "school"


async def test_unknown_issuer_and_doc_type_are_refused(api: Api) -> None:
    await api.new_resident("9810012345", "aarav", aadhaar_of="Aarav Sharma")

    issuer = await api.pull("in.gov.nowhere", "HSCER", rollNumber="16612345")
    doc_type = await api.pull("in.gov.cbse", "DRVLC", rollNumber="16612345")

    assert issuer["code"] == "UNKNOWN_ISSUER"
    assert doc_type["code"] == "INVALID_LOOKUP"
    assert doc_type["field"] == "docType"


async def test_pull_before_linking_aadhaar_is_refused(api: Api) -> None:
    await api.new_resident("9810012345", "aarav")

    result = await api.pull("in.gov.cbse", "HSCER", rollNumber="16612345", year="2024")

    assert result["code"] == "AADHAAR_NOT_LINKED"


async def test_pull_without_signing_in_is_refused(api: Api) -> None:
    result = await api.pull("in.gov.cbse", "HSCER", rollNumber="16612345", year="2024")

    assert result["code"] == "NOT_AUTHENTICATED"


async def test_lookup_field_given_twice_is_refused(api: Api) -> None:
    await api.new_resident("9810012345", "aarav", aadhaar_of="Aarav Sharma")

    result = (
        await api(
            queries.PULL_DOCUMENT,
            issuerId="in.gov.cbse",
            docType="HSCER",
            lookup=[
                {"name": "rollNumber", "value": "16612345"},
                {"name": "rollNumber", "value": "15802117"},
                {"name": "year", "value": "2024"},
            ],
        )
    )["pullDocument"]

    assert result["code"] == "INVALID_LOOKUP"
    assert result["field"] == "rollNumber"
