"""The CBSE issuer: finding and fetching marksheets, their URIs and schema."""

from __future__ import annotations

import csv
import json
import shutil
from datetime import date
from pathlib import Path

import pytest

from adapters.builtin.cbse import (
    CbseAdapter,
    CbseDataError,
    GazetteTotalsError,
    Result,
    parse_gazette,
)
from adapters.builtin.cbse.adapter import DATA_DIR
from adapters.sdk import (
    DataNode,
    DisplaySection,
    DocumentStatus,
    Gender,
    Identity,
    InvalidLookup,
    RecordNotFound,
    StandardDocument,
    names_match,
)
from adapters.sdk.schema import validate_certificate
from adapters.sdk.xml import build_certificate

AARAV = Identity(name="Aarav Sharma", dob=date(2006, 3, 14), gender=Gender.MALE)

# The sample candidates who are also sandbox eKYC residents: their Aadhaar name,
# date of birth and gender, then the doc type, roll number, year and result.
EKYC_CANDIDATES = (
    ("Aarav Sharma", date(2006, 3, 14), "M", "HSCER", "16612345", "2024", "PASS"),
    ("Aarav Sharma", date(2006, 3, 14), "M", "SSCER", "11847203", "2022", "PASS"),
    ("Priya Venkataraman", date(2005, 11, 2), "F", "HSCER", "15634021", "2023", "PASS"),
    ("Ananya Iyer", date(2007, 6, 18), "F", "SSCER", "13278416", "2023", "PASS"),
    ("Kavya Reddy", date(2006, 8, 25), "F", "HSCER", "16612401", "2024", "COMP"),
    (
        "Vikram Singh Rathore",
        date(2005, 5, 16),
        "M",
        "HSCER",
        "15711308",
        "2023",
        "PASS",
    ),
)

SANDBOX_RESIDENTS = (
    Path(__file__).parents[2] / "services" / "identity" / "sandbox_residents.json"
)

# Adult sandbox residents who also hold transport and PAN records, so one
# person can pull from all three issuers: the resident's name, then the Class
# XII roll number, year and the school the marksheet names.
ADULT_RESIDENTS = (
    ("Deepak Kumar Yadav", "47203115", "2010", "71086"),
    ("Sneha Patil", "63457210", "2013", "31416"),
    ("Rohan Mehta", "91428301", "2016", "31284"),
)


def sandbox_resident(name: str) -> Identity:
    """The sandbox eKYC resident called ``name``, as the locker knows them."""
    fixture = json.loads(SANDBOX_RESIDENTS.read_text(encoding="utf-8"))
    (resident,) = [entry for entry in fixture["residents"] if entry["name"] == name]
    dob = date.fromisoformat(resident["dob"])

    return Identity(name=name, dob=dob, gender=Gender(resident["gender"]))


def attributes(document: StandardDocument, tag: str) -> dict[str, str]:
    """The attributes of the first ``tag`` element anywhere in the data."""

    def walk(nodes: tuple[DataNode, ...]) -> DataNode | None:
        for data_node in nodes:
            if data_node.tag == tag:
                return data_node
            found = walk(data_node.children)
            if found is not None:
                return found
        return None

    found = walk(document.data)
    assert found is not None, f"no {tag} in the certificate data"
    return dict(found.attributes)


def subjects(document: StandardDocument) -> list[dict[str, str]]:
    (performance,) = [node for node in document.data if node.tag == "Performance"]
    (subject_list,) = performance.children
    return [dict(subject.attributes) for subject in subject_list.children]


def section(document: StandardDocument, title: str) -> DisplaySection:
    (found,) = [part for part in document.display if part.title == title]
    return found


@pytest.fixture(scope="module")
def adapter() -> CbseAdapter:
    return CbseAdapter()


# Finding a marksheet


@pytest.mark.parametrize(
    ("name", "dob", "gender", "doc_type", "roll", "year", "result"), EKYC_CANDIDATES
)
async def test_find_answers_each_sandbox_resident_as_holder(
    adapter: CbseAdapter,
    name: str,
    dob: date,
    gender: str,
    doc_type: str,
    roll: str,
    year: str,
    result: str,
) -> None:
    resident = Identity(name=name, dob=dob, gender=Gender(gender))

    found = await adapter.lookup(doc_type, {"rollNumber": roll, "year": year}, resident)
    document = await adapter.get(found.uri)

    assert found.uri == f"in.gov.cbse-{doc_type}-{year}{roll}"
    assert found.holder is not None
    assert names_match(found.holder.name, resident.name)
    assert found.holder.dob == resident.dob
    assert found.holder.gender == resident.gender
    assert attributes(document, "Performance")["result"] == result


@pytest.mark.parametrize(("name", "roll", "year", "school"), ADULT_RESIDENTS)
async def test_find_answers_an_earlier_years_candidate_with_their_birth_date(
    adapter: CbseAdapter, name: str, roll: str, year: str, school: str
) -> None:
    resident = sandbox_resident(name)

    found = await adapter.lookup("HSCER", {"rollNumber": roll, "year": year}, resident)
    document = await adapter.get(found.uri)

    assert found.uri == f"in.gov.cbse-HSCER-{year}{roll}"
    assert found.holder is not None
    assert found.holder.name == name.upper()
    assert found.holder.dob == resident.dob
    assert found.holder.gender == resident.gender
    assert document.issued_to.dob == resident.dob
    assert dict(section(document, "Candidate").rows)["Date of birth"] == (
        resident.dob.strftime("%d-%m-%Y")
    )
    assert attributes(document, "School")["code"] == school
    assert attributes(document, "Examination")["year"] == year
    assert attributes(document, "Performance")["result"] == "PASS"
    validate_certificate(build_certificate(document))


async def test_find_answers_the_gazette_spelling_of_the_name(
    adapter: CbseAdapter,
) -> None:
    priya = Identity("Priya Venkataraman", date(2005, 11, 2), Gender.FEMALE)
    vikram = Identity("Vikram Singh Rathore", date(2005, 5, 16), Gender.MALE)

    initial = await adapter.lookup(
        "HSCER", {"rollNumber": "15634021", "year": "2023"}, priya
    )
    reordered = await adapter.lookup(
        "HSCER", {"rollNumber": "15711308", "year": "2023"}, vikram
    )

    assert initial.holder is not None
    assert initial.holder.name == "PRIYA V"
    assert reordered.holder is not None
    assert reordered.holder.name == "RATHORE VIKRAM SINGH"


async def test_find_answers_a_namesake_with_another_birth_date(
    adapter: CbseAdapter,
) -> None:
    found = await adapter.lookup(
        "HSCER", {"rollNumber": "15802117", "year": "2023"}, AARAV
    )

    # Same name, another person: the locker's holder matching must refuse it.
    assert found.holder is not None
    assert names_match(found.holder.name, AARAV.name)
    assert found.holder.dob == date(2005, 8, 5)
    assert found.holder.dob != AARAV.dob


async def test_find_refuses_a_roll_number_with_no_result(adapter: CbseAdapter) -> None:
    with pytest.raises(RecordNotFound, match="roll number 16699999"):
        await adapter.lookup("HSCER", {"rollNumber": "16699999", "year": "2024"}, AARAV)


async def test_find_refuses_a_class_x_roll_number_asked_as_class_xii(
    adapter: CbseAdapter,
) -> None:
    lookup = {"rollNumber": "13278416", "year": "2023"}

    with pytest.raises(RecordNotFound, match="no Class XII 2023 result for roll"):
        await adapter.lookup("HSCER", lookup, AARAV)


async def test_find_refuses_a_year_without_a_gazette(adapter: CbseAdapter) -> None:
    with pytest.raises(RecordNotFound, match="Class X results for 2019"):
        await adapter.lookup("SSCER", {"rollNumber": "11847203", "year": "2019"}, AARAV)


async def test_find_refuses_an_absent_candidate(adapter: CbseAdapter) -> None:
    lookup = {"rollNumber": "16612403", "year": "2024"}

    with pytest.raises(RecordNotFound) as raised:
        await adapter.lookup("HSCER", lookup, AARAV)

    assert "was absent" in raised.value.message
    assert "no marksheet was issued" in raised.value.message


@pytest.mark.parametrize(
    ("lookup", "field"),
    [
        ({"rollNumber": "1661234", "year": "2024"}, "rollNumber"),
        ({"rollNumber": "16612345A", "year": "2024"}, "rollNumber"),
        ({"rollNumber": "१६६१२३४५", "year": "2024"}, "rollNumber"),
        ({"rollNumber": "", "year": "2024"}, "rollNumber"),
        ({"rollNumber": "16612345", "year": "24"}, "year"),
        ({"rollNumber": "16612345"}, "year"),
        ({"rollNumber": "16612345", "year": "2024", "dob": "x"}, "dob"),
    ],
)
async def test_lookup_refuses_malformed_input(
    adapter: CbseAdapter, lookup: dict[str, str], field: str
) -> None:
    with pytest.raises(InvalidLookup) as raised:
        await adapter.lookup("HSCER", lookup, AARAV)

    assert raised.value.field == field


async def test_lookup_accepts_a_roll_number_typed_with_spaces_around(
    adapter: CbseAdapter,
) -> None:
    lookup = {"rollNumber": " 16612345 ", "year": "2024 "}

    found = await adapter.lookup("HSCER", lookup, AARAV)

    assert found.uri == "in.gov.cbse-HSCER-202416612345"


def test_adapter_declares_its_doc_types_and_lookup_fields(
    adapter: CbseAdapter,
) -> None:
    declared = {spec.code: spec for spec in adapter.doc_types}

    assert adapter.issuer_id == "in.gov.cbse"
    assert adapter.organization.code == "CBSE"
    assert adapter.organization.address is not None
    assert adapter.organization.address.pin == "110092"
    assert declared["SSCER"].name == "Class X Marksheet"
    assert declared["HSCER"].name == "Class XII Marksheet"
    for spec in declared.values():
        fields = [lookup.name for lookup in spec.lookup_fields]
        assert fields == ["rollNumber", "year"]
        for lookup in spec.lookup_fields:
            assert lookup.clean(lookup.example) == lookup.example


# Fetching a marksheet


async def test_fetch_answers_the_class_xii_marksheet(adapter: CbseAdapter) -> None:
    document = await adapter.get("in.gov.cbse-HSCER-202416612345")

    assert document.name == "Class XII Marksheet"
    assert document.number == "16612345"
    assert document.status is DocumentStatus.ACTIVE
    assert document.issue_date == date(2024, 5, 13)
    assert document.issued_at == "DELHI EAST"
    assert document.issued_to.name == "AARAV SHARMA"
    assert document.issued_to.dob == date(2006, 3, 14)
    assert document.issued_to.gender is Gender.MALE
    assert document.issued_to.mother_name == "SUNITA SHARMA"
    assert document.issued_to.father_name == "RAJESH SHARMA"
    assert attributes(document, "School") == {
        "name": "SARVODAYA VIDYA NIKETAN MAYUR VIHAR PHASE-I DELHI",
        "code": "27041",
        "region": "DELHI EAST",
    }
    assert attributes(document, "Examination") == {
        "name": "SENIOR SCHOOL CERTIFICATE EXAMINATION",
        "month": "May",
        "year": "2024",
    }
    assert attributes(document, "Performance") == {
        "result": "PASS",
        "marksTotal": "441",
        "marksMax": "500",
        "percentage": "88.20",
        "resultDate": "13-05-2024",
    }


async def test_fetch_lists_every_subject_and_internal_grade(
    adapter: CbseAdapter,
) -> None:
    document = await adapter.get("in.gov.cbse-HSCER-202416612345")

    listed = subjects(document)

    assert listed[0] == {
        "code": "301",
        "name": "English Core",
        "marksTotal": "88",
        "marksMax": "100",
        "grade": "A2",
    }
    assert [subject["code"] for subject in listed] == [
        "301",
        "041",
        "042",
        "043",
        "083",
        "500",
        "502",
        "503",
    ]
    assert listed[-2] == {
        "code": "502",
        "name": "Health & Physical Education",
        "grade": "A1",
    }


async def test_fetch_works_out_the_percentage_over_the_best_five(
    adapter: CbseAdapter,
) -> None:
    # Six subjects: English 94 counts, then the best four of 88, 91, 85, 79, 96.
    document = await adapter.get("in.gov.cbse-HSCER-202416612346")

    performance = attributes(document, "Performance")

    assert performance["marksTotal"] == "454"
    assert performance["marksMax"] == "500"
    assert performance["percentage"] == "90.80"
    assert len(subjects(document)) == 6 + 3


async def test_fetch_answers_the_class_x_marksheet(adapter: CbseAdapter) -> None:
    document = await adapter.get("in.gov.cbse-SSCER-202211847203")

    assert document.name == "Class X Marksheet"
    assert document.issue_date == date(2022, 7, 22)
    assert attributes(document, "Examination") == {
        "name": "SECONDARY SCHOOL EXAMINATION",
        "month": "July",
        "year": "2022",
    }
    # English 91 beats Hindi 87 as the language; then 96, 94, 93 and 89.
    assert attributes(document, "Performance")["percentage"] == "92.60"
    assert [subject["code"] for subject in subjects(document)] == [
        "184",
        "085",
        "041",
        "086",
        "087",
        "402",
    ]
    assert subjects(document)[-1]["name"] == "Information Technology"


async def test_fetch_names_the_compartment_subjects(adapter: CbseAdapter) -> None:
    document = await adapter.get("in.gov.cbse-HSCER-202416612401")

    performance = attributes(document, "Performance")
    result_rows = dict(section(document, "Result").rows)

    assert performance["result"] == "COMP"
    assert performance["compartmentSubjects"] == "041"
    assert result_rows["Result"] == "Compartment in 041 Mathematics"


async def test_fetch_answers_an_essential_repeat(adapter: CbseAdapter) -> None:
    document = await adapter.get("in.gov.cbse-HSCER-202416612347")

    performance = attributes(document, "Performance")

    assert performance["result"] == "ESSENTIAL REPEAT"
    assert "compartmentSubjects" not in performance


async def test_fetch_shows_what_a_person_reads_on_the_marksheet(
    adapter: CbseAdapter,
) -> None:
    document = await adapter.get("in.gov.cbse-HSCER-202315634021")

    candidate = dict(section(document, "Candidate").rows)
    table = section(document, "Subjects")
    result = dict(section(document, "Result").rows)

    assert candidate["Name"] == "PRIYA V"
    assert candidate["Roll number"] == "15634021"
    assert candidate["Mother's name"] == "LAKSHMI VENKATARAMAN"
    assert candidate["Father's name"] == "S VENKATARAMAN"
    assert candidate["Date of birth"] == "02-11-2005"
    assert candidate["School"].startswith("55012 VIDYA MANDIR")
    assert table.columns == ("Code", "Subject", "Marks", "Grade")
    assert table.table[0] == ("301", "English Core", "091", "A1")
    assert table.table[-1] == ("503", "General Studies", "", "A1")
    assert result["Result"] == "Pass"
    assert result["Percentage"] == "92.80"


@pytest.mark.parametrize(
    "uri",
    [
        "in.gov.cbse-HSCER-202416699999",
        "in.gov.cbse-HSCER-202416612403",
        "in.gov.cbse-SSCER-202416612345",
        "in.gov.cbse-HSCER-2024166123",
        "in.gov.cbse-HSCER-ABCD16612345",
        "in.gov.cbse-HPCER-202416612345",
        "in.gov.pan-HSCER-202416612345",
        "not a uri",
    ],
)
async def test_fetch_refuses_an_unknown_uri(adapter: CbseAdapter, uri: str) -> None:
    with pytest.raises(RecordNotFound):
        await adapter.get(uri)


async def test_every_sample_marksheet_validates_against_the_schema(
    adapter: CbseAdapter,
) -> None:
    uris: list[str] = []
    for path in sorted(DATA_DIR.glob("gazette-*.txt")):
        parsed = parse_gazette(path.read_bytes(), source=path.name)
        doc_type = "HSCER" if parsed.exam_class == "XII" else "SSCER"
        uris.extend(
            f"in.gov.cbse-{doc_type}-{parsed.year}{roll}"
            for roll, entry in parsed.candidates.items()
            if entry.result is not Result.ABSENT
        )

    for uri in uris:
        validate_certificate(build_certificate(await adapter.get(uri)))

    assert len(uris) >= 20


def test_sample_data_holds_at_least_fourteen_people() -> None:
    people = set()
    for path in DATA_DIR.glob("candidates-*.csv"):
        with path.open(newline="", encoding="utf-8") as handle:
            people |= {
                (row["name"], row["date_of_birth"]) for row in csv.DictReader(handle)
            }

    assert len(people) >= 14


# Loading the board's data


def test_adapter_refuses_a_gazette_candidate_missing_from_the_list(
    tmp_path: Path,
) -> None:
    shutil.copytree(DATA_DIR, tmp_path, dirs_exist_ok=True)
    candidates = tmp_path / "candidates-2024.csv"
    rows = candidates.read_text(encoding="utf-8").splitlines()
    kept = [row for row in rows if not row.startswith("2024,XII,16612402,")]
    candidates.write_text("\n".join(kept) + "\n", encoding="utf-8")

    with pytest.raises(CbseDataError, match="16612402 is not in the candidates"):
        CbseAdapter(data_dir=tmp_path)


def test_adapter_refuses_a_malformed_sample_gazette(tmp_path: Path) -> None:
    shutil.copytree(DATA_DIR, tmp_path, dirs_exist_ok=True)
    path = tmp_path / "gazette-XII-2023.txt"
    path.write_bytes(path.read_bytes().replace(b"TOTAL PASS : 6", b"TOTAL PASS : 5"))

    with pytest.raises(GazetteTotalsError, match=r"gazette-XII-2023\.txt, line"):
        CbseAdapter(data_dir=tmp_path)
