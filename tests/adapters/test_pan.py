"""The income-tax issuer: finding a PAN record, fetching it, reading the records."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from adapters.builtin.pan import PanAdapter
from adapters.builtin.pan.answers import MalformedRecordError, read_online_answers
from adapters.builtin.pan.department import (
    DATA_DIR,
    IncomeTaxDepartment,
    RejectedRequestError,
    read_particulars,
)
from adapters.builtin.pan.status import Flag, PanStatus, SeedingStatus
from adapters.sdk import (
    DocumentStatus,
    Gender,
    Identity,
    InvalidLookup,
    RecordNotFound,
)
from adapters.sdk.schema import validate_certificate
from adapters.sdk.xml import build_certificate

SANDBOX_RESIDENTS = (
    Path(__file__).parents[2] / "services" / "identity" / "sandbox_residents.json"
)
VERIFIED_ON = date(2026, 12, 3)
PARTICULARS_HEADER = (
    "pan,date_of_birth,father_last_name,father_first_name,father_middle_name"
)

ROHAN = Identity(name="Rohan Mehta", dob=date(1998, 7, 21), gender=Gender.MALE)
FATIMA = Identity(name="Fatima Zehra Khan", dob=date(1990, 1, 30), gender=Gender.FEMALE)
DEEPAK = Identity(name="Deepak Kumar Yadav", dob=date(1992, 2, 29), gender=Gender.MALE)

# The seven sample holders who are also sandbox eKYC residents:
# name, date of birth, PAN, status.
EKYC_HOLDERS = (
    ("Rohan Mehta", "21-07-1998", "BKRPM4817L", PanStatus.VALID),
    ("Fatima Zehra Khan", "30-01-1990", "CQZPK2093H", PanStatus.VALID),
    ("Mohammed Irfan Ansari", "05-12-1979", "AHTPA6152C", PanStatus.INOPERATIVE),
    ("Sneha Patil", "11-04-1995", "DFWPP7730Q", PanStatus.VALID),
    ("Deepak Kumar Yadav", "29-02-1992", "EJXPY3398N", PanStatus.VALID),
    ("Meera Joshi", "03-10-1988", "BNVPJ5521R", PanStatus.VALID),
    ("Gurpreet Singh Dhillon", "09-09-1975", "AKGPD1846M", PanStatus.VALID),
)

# What each status letter becomes; None is "no such document".
EXPECTED_DOCUMENT_STATUS: dict[str, DocumentStatus | None] = {
    "E": DocumentStatus.ACTIVE,
    "EA": DocumentStatus.ACTIVE,
    "EC": DocumentStatus.ACTIVE,
    "ED": DocumentStatus.ACTIVE,
    "EI": DocumentStatus.ACTIVE,
    "EL": DocumentStatus.ACTIVE,
    "EM": DocumentStatus.ACTIVE,
    "EP": DocumentStatus.ACTIVE,
    "ES": DocumentStatus.ACTIVE,
    "EU": DocumentStatus.ACTIVE,
    "I": DocumentStatus.SUSPENDED,
    "X": DocumentStatus.REVOKED,
    "D": DocumentStatus.REVOKED,
    "F": None,
    "N": None,
}


@pytest.fixture(scope="module")
def adapter() -> PanAdapter:
    return PanAdapter(today=lambda: VERIFIED_ON)


def card(pan: str, name: str, dob: str) -> dict[str, str]:
    """What a resident types into the search form."""
    return {"pan": pan, "fullName": name, "dateOfBirth": dob}


def write_records(directory: Path, lines: list[str], particulars: list[str]) -> Path:
    """A data folder for the simulated department, from caret lines and CSV rows."""
    (directory / "online_verification.txt").write_text(
        "\n".join(lines) + "\n", encoding="utf-8"
    )
    (directory / "holder_particulars.csv").write_text(
        "\n".join([PARTICULARS_HEADER, *particulars]) + "\n", encoding="utf-8"
    )
    return directory


# Finding a record


async def test_find_confirms_holder_who_types_the_card_details(
    adapter: PanAdapter,
) -> None:
    lookup = card("bkrpm4817l", "Rohan Mehta", "21-07-1998")

    found = await adapter.lookup("PANCR", lookup, ROHAN)

    assert found.uri == "in.gov.pan-PANCR-BKRPM4817L"
    assert found.holder is None
    assert found.verdict is not None
    assert found.verdict.confirmed


@pytest.mark.parametrize("typed_dob", ["21-07-1998", "21/07/1998", "1998-07-21"])
async def test_find_accepts_each_form_of_birth_date(
    adapter: PanAdapter, typed_dob: str
) -> None:
    lookup = card("BKRPM4817L", "ROHAN MEHTA", typed_dob)

    found = await adapter.lookup("PANCR", lookup, ROHAN)

    assert found.verdict is not None
    assert found.verdict.confirmed


async def test_find_refuses_wrong_birth_date(adapter: PanAdapter) -> None:
    lookup = card("BKRPM4817L", "Rohan Mehta", "22-07-1998")

    found = await adapter.lookup("PANCR", lookup, ROHAN)

    assert found.verdict is not None
    assert found.verdict.name_matches
    assert not found.verdict.dob_matches


async def test_find_refuses_wrong_name(adapter: PanAdapter) -> None:
    lookup = card("BKRPM4817L", "Rohit Mehta", "21-07-1998")

    found = await adapter.lookup("PANCR", lookup, ROHAN)

    assert found.verdict is not None
    assert not found.verdict.name_matches
    assert found.verdict.dob_matches


async def test_find_refuses_another_holders_pan_typed_with_their_details(
    adapter: PanAdapter,
) -> None:
    # The department confirms Sneha's details, but the resident is Rohan.
    lookup = card("DFWPP7730Q", "Sneha Patil", "11-04-1995")

    found = await adapter.lookup("PANCR", lookup, ROHAN)

    assert found.verdict is not None
    assert not found.verdict.name_matches
    assert not found.verdict.dob_matches


async def test_find_refuses_name_typed_in_another_order(adapter: PanAdapter) -> None:
    # The locker's own matching would accept this order; the department does not.
    lookup = card("CQZPK2093H", "Khan Fatima Zehra", "30-01-1990")

    found = await adapter.lookup("PANCR", lookup, FATIMA)

    assert found.verdict is not None
    assert not found.verdict.name_matches
    assert found.verdict.dob_matches


async def test_find_refuses_initials_the_card_does_not_bear(
    adapter: PanAdapter,
) -> None:
    lookup = card("CQZPK2093H", "Fatima Z. Khan", "30-01-1990")

    found = await adapter.lookup("PANCR", lookup, FATIMA)

    assert found.verdict is not None
    assert not found.verdict.name_matches


async def test_find_accepts_initials_printed_on_the_card(adapter: PanAdapter) -> None:
    # Deepak's card reads DEEPAK K YADAV; his Aadhaar name is Deepak Kumar Yadav.
    lookup = card("EJXPY3398N", "Deepak K Yadav", "29/02/1992")

    found = await adapter.lookup("PANCR", lookup, DEEPAK)

    assert found.verdict is not None
    assert found.verdict.confirmed


async def test_find_accepts_full_name_whatever_its_case_and_spacing(
    adapter: PanAdapter,
) -> None:
    lookup = card("EJXPY3398N", "  deepak   KUMAR yadav ", "1992-02-29")

    found = await adapter.lookup("PANCR", lookup, DEEPAK)

    assert found.verdict is not None
    assert found.verdict.confirmed


async def test_find_confirms_holder_of_inoperative_pan(adapter: PanAdapter) -> None:
    irfan = Identity(
        name="Mohammed Irfan Ansari", dob=date(1979, 12, 5), gender=Gender.MALE
    )
    lookup = card("AHTPA6152C", "Mohammed Irfan Ansari", "05-12-1979")

    found = await adapter.lookup("PANCR", lookup, irfan)

    assert found.verdict is not None
    assert found.verdict.confirmed


@pytest.mark.parametrize(
    "pan",
    [
        pytest.param("CXRPG8813B", id="fake"),
        pytest.param("AAAPZ0001A", id="not-found"),
    ],
)
async def test_find_reports_fake_or_unknown_pan_as_not_found(
    adapter: PanAdapter, pan: str
) -> None:
    lookup = card(pan, "Rohan Mehta", "21-07-1998")

    with pytest.raises(RecordNotFound, match=f"no valid PAN {pan}"):
        await adapter.lookup("PANCR", lookup, ROHAN)


@pytest.mark.parametrize(
    ("pan", "problem"),
    [
        pytest.param("BKRPM4817", "should look like", id="too-short"),
        pytest.param("BKRPM48171", "should look like", id="digit-at-end"),
        pytest.param("BKRXM4817L", "4th letter, X", id="no-such-holder-type"),
        pytest.param("BKRPM0000L", "0001 to 9999", id="serial-0000"),
        pytest.param("", "required", id="empty"),
    ],
)
async def test_lookup_refuses_malformed_pan(
    adapter: PanAdapter, pan: str, problem: str
) -> None:
    lookup = card(pan, "Rohan Mehta", "21-07-1998")

    with pytest.raises(InvalidLookup, match=problem) as raised:
        await adapter.lookup("PANCR", lookup, ROHAN)

    assert raised.value.field == "pan"


@pytest.mark.parametrize("typed_dob", ["29-02-1991", "31/04/1990", "1990-13-01"])
async def test_lookup_refuses_impossible_birth_date(
    adapter: PanAdapter, typed_dob: str
) -> None:
    lookup = card("BKRPM4817L", "Rohan Mehta", typed_dob)

    with pytest.raises(InvalidLookup, match="not a day in the calendar") as raised:
        await adapter.lookup("PANCR", lookup, ROHAN)

    assert raised.value.field == "dateOfBirth"


def test_adapter_asks_for_pan_name_and_birth_date(adapter: PanAdapter) -> None:
    spec = adapter.doc_type("PANCR")

    names = [field.name for field in spec.lookup_fields]

    assert adapter.issuer_id == "in.gov.pan"
    assert spec.name == "PAN Verification Record"
    assert names == ["pan", "fullName", "dateOfBirth"]


@pytest.mark.parametrize(("name", "dob", "pan", "status"), EKYC_HOLDERS)
async def test_every_ekyc_resident_finds_their_own_pan(
    adapter: PanAdapter, name: str, dob: str, pan: str, status: PanStatus
) -> None:
    residents = json.loads(SANDBOX_RESIDENTS.read_text(encoding="utf-8"))
    resident = next(r for r in residents["residents"] if r["name"] == name)
    identity = Identity(
        name=resident["name"],
        dob=date.fromisoformat(resident["dob"]),
        gender=Gender(resident["gender"]),
    )

    found = await adapter.lookup("PANCR", card(pan, name, dob), identity)
    document = await adapter.get(found.uri)

    assert found.verdict is not None
    assert found.verdict.confirmed
    assert document.data[0].attributes["status"] == status.value


# Fetching a record


async def test_fetch_answers_the_record_as_the_department_gives_it(
    adapter: PanAdapter,
) -> None:
    document = await adapter.get("in.gov.pan-PANCR-CQZPK2093H")

    assert document.name == "PAN Verification Record"
    assert document.doc_type == "PANCR"
    assert document.number == "CQZPK2093H"
    assert document.status is DocumentStatus.ACTIVE
    assert document.issued_by.code == "ITD"
    assert document.issued_to.name == "FATIMA ZEHRA KHAN"
    assert document.issued_to.title == "Kumari"
    assert document.issued_to.dob is None
    [record] = document.data
    assert record.tag == "PANVerificationRecord"
    assert dict(record.attributes) == {
        "num": "CQZPK2093H",
        "verifiedOn": "03-12-2026",
        "status": "E",
        "statusDescription": "Existing and valid",
        "lastUpdated": "02-11-2012",
        "aadhaarSeeding": "Y",
    }


async def test_fetch_shows_pan_name_status_seeding_and_dates(
    adapter: PanAdapter,
) -> None:
    document = await adapter.get("in.gov.pan-PANCR-AHTPA6152C")

    [section] = document.display

    assert dict(section.rows) == {
        "PAN": "AHTPA6152C",
        "Name": "MOHAMMED IRFAN ANSARI",
        "Status": "I: Inoperative (not linked with Aadhaar)",
        "Aadhaar seeding": "Aadhaar is not linked to the PAN",
        "Last updated": "19-06-2008",
        "Verified on": "03-12-2026",
    }


@pytest.mark.parametrize(
    ("pan", "status", "letter"),
    [
        pytest.param("AAWFS4471D", DocumentStatus.ACTIVE, "EM", id="firm-merged"),
        pytest.param("AAECN7305J", DocumentStatus.ACTIVE, "EA", id="amalgamated"),
        pytest.param("AAJHV3316P", DocumentStatus.ACTIVE, "EP", id="huf-partition"),
        pytest.param("ABHPK0927E", DocumentStatus.ACTIVE, "ED", id="deceased"),
        pytest.param("AHTPA6152C", DocumentStatus.SUSPENDED, "I", id="inoperative"),
        pytest.param("BGLPS6604T", DocumentStatus.REVOKED, "X", id="deactivated"),
        pytest.param("AMZPN2258K", DocumentStatus.REVOKED, "D", id="deleted"),
    ],
)
async def test_fetch_gives_sample_records_their_status(
    adapter: PanAdapter, pan: str, status: DocumentStatus, letter: str
) -> None:
    document = await adapter.get(f"in.gov.pan-PANCR-{pan}")

    assert document.status is status
    assert document.data[0].attributes["status"] == letter


async def test_fetch_names_a_company_as_on_its_card(adapter: PanAdapter) -> None:
    document = await adapter.get("in.gov.pan-PANCR-AAECN7305J")

    assert document.issued_to.name == "NILGIRI TEXTILE MILLS PRIVATE LIMITED"
    assert document.issued_to.title == "M/s"
    assert document.data[0].attributes["aadhaarSeeding"] == "NA"


@pytest.mark.parametrize(("letter", "expected"), EXPECTED_DOCUMENT_STATUS.items())
async def test_fetch_maps_each_status_letter(
    tmp_path: Path, letter: str, expected: DocumentStatus | None
) -> None:
    pan = "ACZPZ1234K"
    on_record = letter not in {"F", "N"}
    line = (
        f"1^{pan}^{letter}^ZUTSHI^ARJUN^^Shri^01/01/2020^ARJUN ZUTSHI^Y"
        if on_record
        else f"1^{pan}^{letter}^^^^^^^"
    )
    particulars = [f"{pan},01/01/1980,ZUTSHI,KAMAL,"] if on_record else []
    adapter = PanAdapter(data_dir=write_records(tmp_path, [line], particulars))

    if expected is None:
        with pytest.raises(RecordNotFound):
            await adapter.get(f"in.gov.pan-PANCR-{pan}")
        return
    document = await adapter.get(f"in.gov.pan-PANCR-{pan}")

    assert document.status is expected
    assert document.data[0].attributes["status"] == letter


@pytest.mark.parametrize(
    "uri",
    [
        pytest.param("in.gov.pan-PANCR-CXRPG8813B", id="fake"),
        pytest.param("in.gov.pan-PANCR-AAAPZ0001A", id="unknown"),
        pytest.param("in.gov.pan-PANCR-BKRXM4817L", id="malformed"),
        pytest.param("in.gov.cbse-PANCR-BKRPM4817L", id="other-issuer"),
    ],
)
async def test_fetch_refuses_uri_without_a_record(
    adapter: PanAdapter, uri: str
) -> None:
    with pytest.raises(RecordNotFound):
        await adapter.get(uri)


async def test_every_sample_record_is_a_valid_certificate(
    adapter: PanAdapter,
) -> None:
    answers = read_online_answers(
        (DATA_DIR / "online_verification.txt").read_text(encoding="utf-8")
    )
    on_record = [pan for pan, answer in answers.items() if answer.status.is_on_record]

    for pan in on_record:
        document = await adapter.get(f"in.gov.pan-PANCR-{pan}")
        validate_certificate(build_certificate(document))

    assert len(on_record) == 13


# The department's newer verification


def test_holder_verification_answers_only_flags() -> None:
    department = IncomeTaxDepartment.load()

    answer = department.verify_holder(
        pan="BKRPM4817L",
        name="ROHAN MEHTA",
        dob="21/07/1998",
        fathername="Sanjay Mehta",
    )

    assert answer.pan_status is PanStatus.VALID
    assert answer.name is Flag.YES
    assert answer.fathername is Flag.YES
    assert answer.dob is Flag.YES
    assert answer.seeding_status is SeedingStatus.SEEDED


def test_holder_verification_denies_wrong_father_and_leaves_unasked_blank() -> None:
    department = IncomeTaxDepartment.load()

    wrong = department.verify_holder(
        pan="BKRPM4817L", name="Rohan Mehta", dob="21/07/1998", fathername="Ramesh"
    )
    unasked = department.verify_holder(
        pan="BKRPM4817L", name="Rohan Mehta", dob="21/07/1998"
    )

    assert wrong.fathername is Flag.NO
    assert unasked.fathername is None


def test_holder_verification_of_unknown_pan_says_n_to_everything() -> None:
    department = IncomeTaxDepartment.load()

    answer = department.verify_holder(
        pan="AAAPZ0001A", name="Rohan Mehta", dob="21/07/1998"
    )

    assert answer.pan_status is PanStatus.NOT_FOUND
    assert (answer.name, answer.dob) == (Flag.NO, Flag.NO)
    assert answer.seeding_status is None


def test_holder_verification_rejects_a_date_in_another_form() -> None:
    department = IncomeTaxDepartment.load()

    with pytest.raises(RejectedRequestError, match="DD/MM/YYYY"):
        department.verify_holder(pan="BKRPM4817L", name="Rohan Mehta", dob="1998-07-21")


# Reading the department's records


GOOD_LINE = "1^BKRPM4817L^E^MEHTA^ROHAN^^Shri^14/08/2016^ROHAN MEHTA^Y"


def test_caret_lines_are_read_field_by_field() -> None:
    text = GOOD_LINE + "\n\n1^CXRPG8813B^F^^^^^^^\n"

    answers = read_online_answers(text)

    rohan = answers["BKRPM4817L"]
    assert (rohan.last_name, rohan.first_name, rohan.middle_name) == (
        "MEHTA",
        "ROHAN",
        "",
    )
    assert rohan.last_updated == date(2016, 8, 14)
    assert rohan.seeding_status is SeedingStatus.SEEDED
    assert answers["CXRPG8813B"].status is PanStatus.FAKE


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        pytest.param(
            "1^DFWPP7730Q^E^PATIL^SNEHA^^Kumari^07/05/2017^SNEHA PATIL",
            "expected 10 caret-separated fields",
            id="missing-field",
        ),
        pytest.param(
            "1^DFWPP7730Q^E^PATIL^SNEHA^^Kumari^07/05/2017^SNEHA PATIL^Y^X",
            "got 11",
            id="extra-field",
        ),
        pytest.param(
            "3^DFWPP7730Q^E^PATIL^SNEHA^^Kumari^07/05/2017^SNEHA PATIL^Y",
            "return code '3'",
            id="failed-return-code",
        ),
        pytest.param(
            "1^DFWQP7730Q^E^PATIL^SNEHA^^Kumari^07/05/2017^SNEHA PATIL^Y",
            "not a valid PAN",
            id="invalid-pan",
        ),
        pytest.param(
            "1^DFWPP7730Q^EZ^PATIL^SNEHA^^Kumari^07/05/2017^SNEHA PATIL^Y",
            "unknown status letter 'EZ'",
            id="unknown-status",
        ),
        pytest.param(
            "1^DFWPP7730Q^E^PATIL^SNEHA^^Kumari^2017-05-07^SNEHA PATIL^Y",
            "last-update date '2017-05-07' is not DD/MM/YYYY",
            id="iso-date",
        ),
        pytest.param(
            "1^DFWPP7730Q^E^PATIL^SNEHA^^Kumari^07/05/2017^SNEHA PATIL^YES",
            "unknown Aadhaar seeding status 'YES'",
            id="unknown-seeding",
        ),
        pytest.param(
            "1^DFWPP7730Q^E^^^^^07/05/2017^^Y",
            "has status E but no name",
            id="valid-without-name",
        ),
        pytest.param(GOOD_LINE, "answered twice", id="duplicate"),
    ],
)
def test_malformed_caret_line_is_refused_with_its_line_number(
    line: str, problem: str
) -> None:
    text = f"{GOOD_LINE}\n{line}\n"

    with pytest.raises(MalformedRecordError, match="line 2: ") as raised:
        read_online_answers(text)

    assert problem in str(raised.value)


@pytest.mark.parametrize(
    ("rows", "problem"),
    [
        pytest.param(
            ["pan,dob,father", "BKRPM4817L,21/07/1998,SANJAY"],
            "line 1: expected the header",
            id="wrong-header",
        ),
        pytest.param(
            [PARTICULARS_HEADER, "BKRPM4817L,1998-07-21,MEHTA,SANJAY,"],
            "line 2: date of birth '1998-07-21' is not DD/MM/YYYY",
            id="iso-date",
        ),
        pytest.param(
            [PARTICULARS_HEADER, "BKRPM4817L,21/07/1998,MEHTA"],
            "line 2: expected 5 comma-separated fields",
            id="short-row",
        ),
    ],
)
def test_malformed_particulars_are_refused(rows: list[str], problem: str) -> None:
    with pytest.raises(MalformedRecordError, match=problem):
        read_particulars("\n".join(rows) + "\n")


def test_adapter_will_not_start_on_malformed_records(tmp_path: Path) -> None:
    data_dir = write_records(
        tmp_path, [GOOD_LINE, "1^DFWPP7730Q^E^PATIL"], ["BKRPM4817L,21/07/1998,,,"]
    )

    with pytest.raises(MalformedRecordError, match=r"online_verification\.txt, line 2"):
        PanAdapter(data_dir=data_dir)


def test_adapter_will_not_start_when_a_pan_lacks_particulars(tmp_path: Path) -> None:
    data_dir = write_records(tmp_path, [GOOD_LINE], [])

    with pytest.raises(MalformedRecordError, match="lacks the particulars of BKRPM"):
        PanAdapter(data_dir=data_dir)
