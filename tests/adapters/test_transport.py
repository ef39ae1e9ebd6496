"""The transport issuer: licences from Sarathi, registrations from Vahan."""

from __future__ import annotations

import copy
import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from adapters.builtin.transport import TransportAdapter
from adapters.builtin.transport.adapter import DATA_DIR, SARATHI_FILE, VAHAN_FILE
from adapters.builtin.transport.dates import (
    parse_month_year,
    parse_record_date,
)
from adapters.builtin.transport.identifiers import mask
from adapters.builtin.transport.records import MalformedRecordError
from adapters.builtin.transport.sarathi import load_sarathi, parse_sarathi_response
from adapters.builtin.transport.vahan import load_vahan, parse_vahan_record
from adapters.sdk import (
    DataNode,
    DisplaySection,
    DocumentStatus,
    FindResult,
    Gender,
    Identity,
    InvalidLookup,
    OrganizationType,
    RecordNotFound,
    StandardDocument,
    names_match,
)
from adapters.sdk.schema import validate_certificate
from adapters.sdk.xml import build_certificate

SANDBOX_RESIDENTS = (
    Path(__file__).parents[2] / "services" / "identity" / "sandbox_residents.json"
)
TODAY = date(2026, 12, 3)
ANYONE = Identity(name="Rohan Mehta", dob=date(1998, 7, 21), gender=Gender.MALE)

ROHAN_DL = "MH1220160012345"
FATIMA_DL = "UP3220100034567"
GURPREET_DL = "PB1019950007788"
DEEPAK_DL = "UP6520120045612"
SNEHA_DL = "MH1520140023456"
MEERA_DL = "UK0720090004321"
RAJINDER_DL = "HR2619950034512"
ANITA_DL = "GA0720080001234"
NEHA_DL = "DL0920180056789"

# Licence holders who are also sandbox eKYC residents: licence, the name
# Sarathi holds, and the resident's name.
EKYC_LICENCES = (
    (ROHAN_DL, "ROHAN MEHTA", "Rohan Mehta"),
    (FATIMA_DL, "KHAN FATIMA ZEHRA", "Fatima Zehra Khan"),
    (GURPREET_DL, "GURPREET SINGH DHILLON", "Gurpreet Singh Dhillon"),
    (DEEPAK_DL, "D K YADAV", "Deepak Kumar Yadav"),
    (SNEHA_DL, "SNEHA PATIL", "Sneha Patil"),
)

# Registrations: number, chassis suffix, owner as Vahan holds them.
REGISTRATIONS = (
    ("MH12AB1234", "47319", "ROHAN MEHTA"),
    ("PB10CX4455", "63518", "GURPREET SINGH DHILLON"),
    ("UP65DT7781", "41267", "DEEPAK KUMAR YADAV"),
    ("WB02AK3317", "19645", "MOHAMMED IRFAN ANSARI"),
    ("HR38K7712", "04512", "RAJINDER PAL"),
    ("KA01MJ4821", "08412", "PRAKASH RAO KULKARNI"),
    ("TN09BY6204", "04532", "LALITHA SUBRAMANIAN"),
    ("DL3CBT5678", "07218", "NEHA KAPOOR"),
)
EKYC_OWNERS = {
    "MH12AB1234": "Rohan Mehta",
    "PB10CX4455": "Gurpreet Singh Dhillon",
    "UP65DT7781": "Deepak Kumar Yadav",
    "WB02AK3317": "Mohammed Irfan Ansari",
}


@pytest.fixture(scope="module")
def adapter() -> TransportAdapter:
    return TransportAdapter(today=lambda: TODAY)


def on(day: date) -> TransportAdapter:
    """The adapter as it would answer on ``day``."""
    return TransportAdapter(today=lambda: day)


def sandbox_resident(name: str) -> dict[str, Any]:
    residents = json.loads(SANDBOX_RESIDENTS.read_text(encoding="utf-8"))
    for resident in residents["residents"]:
        if resident["name"] == name:
            return dict(resident)
    raise AssertionError(f"no sandbox resident {name}")


def raw_records(file_name: str) -> list[dict[str, Any]]:
    records = json.loads((DATA_DIR / file_name).read_text(encoding="utf-8"))
    return list(records)


async def find_licence(
    adapter: TransportAdapter, number: str, birth_date: str
) -> FindResult:
    fields = {"licenceNumber": number, "dateOfBirth": birth_date}
    return await adapter.lookup("DRVLC", fields, ANYONE)


async def find_registration(
    adapter: TransportAdapter, number: str, chassis_suffix: str
) -> FindResult:
    fields = {"registrationNumber": number, "chassisLast5": chassis_suffix}
    return await adapter.lookup("RVCER", fields, ANYONE)


async def licence(adapter: TransportAdapter, number: str) -> StandardDocument:
    return await adapter.get(f"in.gov.transport-DRVLC-{number}")


async def registration(adapter: TransportAdapter, number: str) -> StandardDocument:
    return await adapter.get(f"in.gov.transport-RVCER-{number}")


def section(document: StandardDocument, title: str) -> DisplaySection:
    return next(block for block in document.display if block.title == title)


def rows(document: StandardDocument, title: str) -> dict[str, str]:
    return dict(section(document, title).rows)


def classes(document: StandardDocument) -> dict[str, dict[str, str]]:
    return {
        data_node.attributes["abbreviation"]: dict(data_node.attributes)
        for data_node in document.data
    }


def only_child(data_node: DataNode, tag: str) -> DataNode:
    (child,) = [child for child in data_node.children if child.tag == tag]
    return child


# The issuer and its search forms


def test_adapter_is_the_ministry_with_its_two_document_types() -> None:
    adapter = TransportAdapter()

    assert adapter.issuer_id == "in.gov.transport"
    assert adapter.name == "Ministry of Road Transport and Highways"
    assert adapter.organization.type is OrganizationType.CENTRAL_GOVERNMENT
    assert adapter.organization.address is not None
    assert adapter.organization.address.line1 == "Transport Bhawan"
    assert adapter.organization.address.line2 == "Parliament Street"
    assert adapter.organization.address.pin == "110001"
    assert {spec.code: spec.name for spec in adapter.doc_types} == {
        "DRVLC": "Driving Licence",
        "RVCER": "Registration of Vehicles",
    }
    assert [field.name for field in adapter.doc_type("DRVLC").lookup_fields] == [
        "licenceNumber",
        "dateOfBirth",
    ]
    assert [field.name for field in adapter.doc_type("RVCER").lookup_fields] == [
        "registrationNumber",
        "chassisLast5",
    ]


# Finding a driving licence


async def test_find_licence_answers_uri_and_holder_as_sarathi_knows_them(
    adapter: TransportAdapter,
) -> None:
    found = await find_licence(adapter, ROHAN_DL, "21-07-1998")

    assert found.uri == "in.gov.transport-DRVLC-MH1220160012345"
    assert found.holder is not None
    assert found.holder.name == "ROHAN MEHTA"
    assert found.holder.dob == date(1998, 7, 21)
    assert found.holder.gender is Gender.MALE


@pytest.mark.parametrize(
    "typed",
    ["MH12 20160012345", "mh12-2016-0012345", "MH 12 2016 0012345", "MH12-20160012345"],
)
async def test_find_licence_ignores_spaces_hyphens_and_case_in_the_number(
    adapter: TransportAdapter, typed: str
) -> None:
    found = await find_licence(adapter, typed, "21-07-1998")

    assert found.uri == "in.gov.transport-DRVLC-MH1220160012345"


@pytest.mark.parametrize("typed", ["21-07-1998", "21/07/1998", "1998-07-21"])
async def test_find_licence_accepts_each_form_of_birth_date(
    adapter: TransportAdapter, typed: str
) -> None:
    found = await find_licence(adapter, ROHAN_DL, typed)

    assert found.holder is not None
    assert found.holder.dob == date(1998, 7, 21)


async def test_find_refuses_impossible_birth_date_naming_the_field(
    adapter: TransportAdapter,
) -> None:
    with pytest.raises(InvalidLookup) as refused:
        await find_licence(adapter, ROHAN_DL, "31-02-1990")

    assert refused.value.field == "dateOfBirth"
    assert "31-02-1990" in refused.value.message


@pytest.mark.parametrize(
    ("number", "birth_date", "field"),
    [
        ("MH12 2016", "21-07-1998", "licenceNumber"),
        ("MH12201600123456", "21-07-1998", "licenceNumber"),
        ("1212 20160012345", "21-07-1998", "licenceNumber"),
        (ROHAN_DL, "21.07.1998", "dateOfBirth"),
        (ROHAN_DL, "21-07/1998", "dateOfBirth"),
        (ROHAN_DL, "", "dateOfBirth"),
    ],
)
async def test_lookup_refuses_malformed_input_naming_the_field(
    adapter: TransportAdapter, number: str, birth_date: str, field: str
) -> None:
    with pytest.raises(InvalidLookup) as refused:
        await find_licence(adapter, number, birth_date)

    assert refused.value.field == field


async def test_find_refuses_wrong_birth_date_as_if_there_were_no_licence(
    adapter: TransportAdapter,
) -> None:
    with pytest.raises(RecordNotFound) as wrong_birth_date:
        await find_licence(adapter, ROHAN_DL, "22-07-1998")
    with pytest.raises(RecordNotFound) as no_licence:
        await find_licence(adapter, "MH1220160099999", "22-07-1998")

    assert wrong_birth_date.value.message.replace(
        ROHAN_DL, "<number>"
    ) == no_licence.value.message.replace("MH1220160099999", "<number>")


async def test_find_refuses_unknown_licence(adapter: TransportAdapter) -> None:
    with pytest.raises(RecordNotFound):
        await find_licence(adapter, "KL0720050012876", "12-05-1983")


@pytest.mark.parametrize(("number", "sarathi_name", "resident_name"), EKYC_LICENCES)
async def test_ekyc_residents_find_their_licences_under_their_own_names(
    adapter: TransportAdapter, number: str, sarathi_name: str, resident_name: str
) -> None:
    resident = sandbox_resident(resident_name)
    typed_birth_date = date.fromisoformat(resident["dob"]).strftime("%d-%m-%Y")

    found = await find_licence(adapter, number, typed_birth_date)

    assert found.holder is not None
    assert found.holder.name == sarathi_name
    assert found.holder.dob == date.fromisoformat(resident["dob"])
    assert found.holder.gender == resident["gender"]
    assert names_match(found.holder.name, resident_name)


async def test_surname_first_sarathi_name_still_names_fatima(
    adapter: TransportAdapter,
) -> None:
    found = await find_licence(adapter, "UP32 2010 0034567", "30/01/1990")

    assert found.holder is not None
    assert found.holder.name == "KHAN FATIMA ZEHRA"
    assert names_match(found.holder.name, "Fatima Zehra Khan")


async def test_leap_day_birth_finds_deepaks_licence_under_his_initials(
    adapter: TransportAdapter,
) -> None:
    found = await find_licence(adapter, DEEPAK_DL, "29-02-1992")

    assert found.holder is not None
    assert found.holder.name == "D K YADAV"
    assert found.holder.dob == date(1992, 2, 29)
    assert names_match(found.holder.name, "Deepak Kumar Yadav")


async def test_meera_joshis_licence_is_for_a_namesake_born_a_year_earlier(
    adapter: TransportAdapter,
) -> None:
    resident = sandbox_resident("Meera Joshi")

    found = await find_licence(adapter, MEERA_DL, "03-10-1987")

    assert found.holder is not None
    assert names_match(found.holder.name, resident["name"])
    assert found.holder.dob == date(1987, 10, 3)
    assert found.holder.dob != date.fromisoformat(resident["dob"])
    with pytest.raises(RecordNotFound):
        await find_licence(adapter, MEERA_DL, "03-10-1988")


@pytest.mark.parametrize(
    ("number", "birth_date", "name", "gender"),
    [
        (MEERA_DL, "03-10-1987", "MEERA JOSHI", Gender.FEMALE),
        (RAJINDER_DL, "22-03-1970", "RAJINDER PAL", Gender.MALE),
        (ANITA_DL, "17-02-1985", "ANITA D'SOUZA", Gender.FEMALE),
        (NEHA_DL, "08-12-1999", "NEHA KAPOOR", Gender.FEMALE),
    ],
)
async def test_other_licence_holders_are_found_by_number_and_birth_date(
    adapter: TransportAdapter, number: str, birth_date: str, name: str, gender: Gender
) -> None:
    found = await find_licence(adapter, number, birth_date)

    assert found.holder is not None
    assert found.holder.name == name
    assert found.holder.dob == datetime.strptime(birth_date, "%d-%m-%Y").date()
    assert found.holder.gender is gender


# Fetching a driving licence


async def test_fetch_licence_gives_holder_validity_and_authority(
    adapter: TransportAdapter,
) -> None:
    document = await licence(adapter, ROHAN_DL)

    assert document.doc_type == "DRVLC"
    assert document.name == "Driving Licence"
    assert document.number == ROHAN_DL
    assert document.status is DocumentStatus.ACTIVE
    assert document.issue_date == date(2016, 9, 14)
    assert document.valid_from == date(2016, 9, 14)
    assert document.expiry_date == date(2038, 7, 20)
    assert document.issued_at == "RTO PUNE"
    assert document.issued_by == adapter.organization
    person = document.issued_to
    assert (person.name, person.dob, person.gender) == (
        "ROHAN MEHTA",
        date(1998, 7, 21),
        Gender.MALE,
    )
    assert person.father_name == "SANJAY MEHTA"
    assert person.address is not None
    assert person.address.pin == "411045"
    assert person.address.district == "PUNE"
    assert person.address.state == "Maharashtra"


async def test_fetch_licence_carries_the_photo_sarathi_keeps(
    adapter: TransportAdapter,
) -> None:
    with_photo = await licence(adapter, ROHAN_DL)
    photo_null = await licence(adapter, FATIMA_DL)
    no_image_object = await licence(adapter, RAJINDER_DL)

    assert with_photo.issued_to.photo is not None
    assert with_photo.issued_to.photo.format == "JPG"
    assert with_photo.issued_to.photo.content.startswith(b"\xff\xd8\xff")
    assert photo_null.issued_to.photo is None
    assert no_image_object.issued_to.photo is None


async def test_licence_has_one_class_node_per_class_of_vehicle(
    adapter: TransportAdapter,
) -> None:
    document = await licence(adapter, ROHAN_DL)

    assert [data_node.tag for data_node in document.data] == [
        "DrivingLicense",
        "DrivingLicense",
    ]
    assert classes(document) == {
        "MCWG": {
            "code": "NT",
            "abbreviation": "MCWG",
            "description": "MOTOR CYCLE WITH GEAR(NON TRANSPORT)",
            "issueDate": "14-09-2016",
            "validFrom": "14-09-2016",
            "validTo": "20-07-2038",
            "status": "A",
        },
        "LMV": {
            "code": "NT",
            "abbreviation": "LMV",
            "description": "LIGHT MOTOR VEHICLE",
            "issueDate": "14-09-2016",
            "validFrom": "14-09-2016",
            "validTo": "20-07-2038",
            "status": "A",
        },
    }


async def test_licence_with_both_kinds_of_class_keeps_each_validity(
    adapter: TransportAdapter,
) -> None:
    document = await licence(adapter, FATIMA_DL)

    by_class = classes(document)
    assert set(by_class) == {"MCWG", "LMV", "LMV-TR"}
    assert by_class["LMV"]["code"] == "NT"
    assert (by_class["LMV"]["validFrom"], by_class["LMV"]["validTo"]) == (
        "18-03-2010",
        "29-01-2030",
    )
    assert by_class["LMV-TR"]["code"] == "TR"
    assert by_class["LMV-TR"]["issueDate"] == "12-06-2015"
    assert (by_class["LMV-TR"]["validFrom"], by_class["LMV-TR"]["validTo"]) == (
        "12-06-2023",
        "11-06-2028",
    )
    assert document.valid_from == date(2010, 3, 18)
    assert document.expiry_date == date(2030, 1, 29)
    assert rows(document, "Licence")["Transport validity"] == (
        "12-06-2023 to 11-06-2028"
    )


async def test_wife_of_relation_is_not_given_as_a_fathers_name(
    adapter: TransportAdapter,
) -> None:
    document = await licence(adapter, FATIMA_DL)

    assert document.issued_to.father_name == ""
    assert rows(document, "Licence holder")["Wife of"] == "SHAHID ALI KHAN"


async def test_licence_is_expired_once_its_only_validity_has_ended() -> None:
    last_valid_day = await licence(on(date(2025, 9, 8)), GURPREET_DL)
    day_after = await licence(on(date(2025, 9, 9)), GURPREET_DL)

    assert last_valid_day.status is DocumentStatus.ACTIVE
    assert day_after.status is DocumentStatus.EXPIRED
    assert day_after.expiry_date == date(2025, 9, 8)
    assert rows(day_after, "Licence")["Status"] == "Expired"


async def test_gurpreets_licence_is_expired_today(adapter: TransportAdapter) -> None:
    document = await licence(adapter, GURPREET_DL)

    assert document.status is DocumentStatus.EXPIRED


async def test_licence_stays_active_while_any_validity_runs() -> None:
    transport_ended = await licence(on(date(2029, 1, 1)), FATIMA_DL)
    both_ended = await licence(on(date(2030, 1, 30)), FATIMA_DL)

    assert transport_ended.status is DocumentStatus.ACTIVE
    assert both_ended.status is DocumentStatus.EXPIRED


async def test_licence_status_defaults_to_the_real_calendar() -> None:
    document = await licence(TransportAdapter(), GURPREET_DL)

    # the only validity ended on 08-09-2025, before any day these tests run
    assert document.status is DocumentStatus.EXPIRED


async def test_licence_suspended_by_sarathi_is_suspended(
    adapter: TransportAdapter,
) -> None:
    document = await licence(adapter, ANITA_DL)

    assert document.status is DocumentStatus.SUSPENDED


async def test_transport_only_licence_reads_classes_without_a_category_as_transport(
    adapter: TransportAdapter,
) -> None:
    document = await licence(adapter, RAJINDER_DL)

    by_class = classes(document)
    assert by_class["TRANS"]["code"] == "TR"
    assert by_class["HGMV"]["code"] == "TR"
    assert document.expiry_date == date(2027, 4, 1)
    assert "Non-transport validity" not in rows(document, "Licence")


@pytest.mark.parametrize(
    ("number", "form", "issued"),
    [
        (ROHAN_DL, "YYYY-MM-DD", date(2016, 9, 14)),
        (FATIMA_DL, "DD/MM/YYYY", date(2010, 3, 18)),
        (GURPREET_DL, "DD-Mon-YYYY", date(1995, 10, 12)),
        (DEEPAK_DL, "DD-MM-YYYY", date(2012, 3, 14)),
        (SNEHA_DL, "mixed in one answer", date(2014, 7, 22)),
    ],
)
async def test_sarathi_dates_are_read_in_each_form_it_writes(
    adapter: TransportAdapter, number: str, form: str, issued: date
) -> None:
    document = await licence(adapter, number)

    assert document.issue_date == issued, form


async def test_licence_display_shows_holder_and_classes_of_vehicle(
    adapter: TransportAdapter,
) -> None:
    document = await licence(adapter, FATIMA_DL)

    holder = rows(document, "Licence holder")
    assert holder["Name"] == "KHAN FATIMA ZEHRA"
    assert holder["Date of birth"] == "30-01-1990"
    assert holder["Gender"] == "Female"
    table = section(document, "Classes of vehicle")
    assert table.columns[0] == "Class"
    assert [row[0] for row in table.table] == ["MCWG", "LMV", "LMV-TR"]
    assert table.table[2][2] == "Transport"


# Finding a registration


async def test_find_registration_answers_owner_name_without_birth_date(
    adapter: TransportAdapter,
) -> None:
    found = await find_registration(adapter, "MH12AB1234", "47319")

    assert found.uri == "in.gov.transport-RVCER-MH12AB1234"
    assert found.holder is not None
    assert found.holder.name == "ROHAN MEHTA"
    # Vahan keeps no date of birth: the locker can match the owner by name only
    assert found.holder.dob is None


@pytest.mark.parametrize(
    ("typed_number", "typed_suffix"),
    [("MH 12 AB 1234", "47319"), ("mh-12-ab-1234", "47319"), ("MH12AB1234", "47319")],
)
async def test_find_registration_ignores_spaces_hyphens_and_case(
    adapter: TransportAdapter, typed_number: str, typed_suffix: str
) -> None:
    found = await find_registration(adapter, typed_number, typed_suffix)

    assert found.uri == "in.gov.transport-RVCER-MH12AB1234"


async def test_find_registration_trims_spaces_around_the_chassis_suffix(
    adapter: TransportAdapter,
) -> None:
    found = await find_registration(adapter, "PB 10 CX 4455", " 63518 ")

    assert found.uri == "in.gov.transport-RVCER-PB10CX4455"


async def test_find_refuses_wrong_chassis_suffix(adapter: TransportAdapter) -> None:
    with pytest.raises(RecordNotFound):
        await find_registration(adapter, "MH12AB1234", "47318")


async def test_find_refuses_unknown_registration(adapter: TransportAdapter) -> None:
    with pytest.raises(RecordNotFound):
        await find_registration(adapter, "MH12ZZ9999", "47319")


@pytest.mark.parametrize(
    ("number", "suffix", "field"),
    [
        ("MH12AB1234", "4731", "chassisLast5"),
        ("MH12AB1234", "47319X", "chassisLast5"),
        ("MH12AB12345", "47319", "registrationNumber"),
        ("12AB1234", "47319", "registrationNumber"),
    ],
)
async def test_registration_lookup_refuses_malformed_input_naming_the_field(
    adapter: TransportAdapter, number: str, suffix: str, field: str
) -> None:
    with pytest.raises(InvalidLookup) as refused:
        await find_registration(adapter, number, suffix)

    assert refused.value.field == field


@pytest.mark.parametrize(("number", "suffix", "owner"), REGISTRATIONS)
async def test_every_registration_is_found_with_its_owner(
    adapter: TransportAdapter, number: str, suffix: str, owner: str
) -> None:
    found = await find_registration(adapter, number, suffix)

    assert found.holder is not None
    assert found.holder.name == owner
    assert found.holder.dob is None
    if number in EKYC_OWNERS:
        assert names_match(owner, EKYC_OWNERS[number])


# Fetching a registration


async def test_fetch_registration_gives_owner_vehicle_and_insurance(
    adapter: TransportAdapter,
) -> None:
    document = await registration(adapter, "MH12AB1234")

    assert document.doc_type == "RVCER"
    assert document.name == "Registration Certificate"
    assert document.number == "MH12AB1234"
    assert document.status is DocumentStatus.ACTIVE
    assert document.issue_date == date(2019, 3, 4)
    assert document.expiry_date == date(2034, 3, 3)
    assert document.issued_at == "PUNE RTO, Maharashtra"
    owner = document.issued_to
    assert (owner.name, owner.dob, owner.father_name) == (
        "ROHAN MEHTA",
        None,
        "SANJAY MEHTA",
    )
    assert owner.address is not None
    assert owner.address.pin == "411045"
    assert owner.address.line1 == "FLAT 402, SAI HEIGHTS, BANER ROAD, PUNE"
    (registration_node,) = document.data
    assert registration_node.tag == "VehicleRegistration"
    assert dict(registration_node.attributes) == {
        "registrationDate": "04-03-2019",
        "registeredAt": "PUNE RTO, Maharashtra",
        "ownerSerial": "1",
        "status": "ACTIVE",
        "statusDate": "15-11-2026",
        "normsDesc": "BHARAT STAGE IV",
        "taxUpto": "03-03-2034",
        "puccUpto": "14-08-2027",
    }
    assert dict(only_child(registration_node, "Vehicle").attributes) == {
        "chasisNo": "MA3FJEB1S00K47319",
        "engineNo": "K12MN4471093",
        "class": "Motor Car(LMV)",
        "category": "LMV",
        "color": "PEARL ARCTIC WHITE",
        "cubicCapacity": "1197.0",
        "fuelDesc": "PETROL",
        "make": "MARUTI SUZUKI INDIA LTD",
        "model": "SWIFT VXI",
        "bodyType": "SALOON",
        "mfgDate": "12/2018",
        "seatCapacity": "5",
        "fitTill": "03-03-2034",
        "unladenWeight": "905",
        "grossWeight": "1335",
        "cylinders": "4",
    }
    assert dict(only_child(registration_node, "Insurance").attributes) == {
        "companyName": "ICICI LOMBARD GENERAL INSURANCE CO. LTD.",
        "policyNo": "3001/MI-21947755/01/000",
        "validTill": "27-02-2027",
    }


async def test_lifetime_tax_is_written_ltt_and_shown_in_words(
    adapter: TransportAdapter,
) -> None:
    document = await registration(adapter, "PB10CX4455")

    assert document.data[0].attributes["taxUpto"] == "LTT"
    assert rows(document, "Tax and pollution")["Tax paid up to"] == "Lifetime tax"


async def test_dated_tax_is_shown_as_a_date(adapter: TransportAdapter) -> None:
    document = await registration(adapter, "MH12AB1234")

    assert rows(document, "Tax and pollution")["Tax paid up to"] == "03-03-2034"


async def test_hypothecated_car_names_its_financer(adapter: TransportAdapter) -> None:
    document = await registration(adapter, "WB02AK3317")

    assert document.data[0].attributes["financer"] == "HDFC BANK LTD"
    assert rows(document, "Owner")["Hypothecated to"] == "HDFC BANK LTD"
    assert names_match(document.issued_to.name, "Mohammed Irfan Ansari")


async def test_unfinanced_car_has_no_financer(adapter: TransportAdapter) -> None:
    document = await registration(adapter, "PB10CX4455")

    assert "financer" not in document.data[0].attributes
    assert "Hypothecated to" not in rows(document, "Owner")


async def test_motorcycle_registration_is_a_two_wheeler(
    adapter: TransportAdapter,
) -> None:
    document = await registration(adapter, "UP65DT7781")

    vehicle = only_child(document.data[0], "Vehicle").attributes
    assert vehicle["category"] == "2WN"
    assert vehicle["class"] == "M-Cycle/Scooter(2WN)"
    assert vehicle["seatCapacity"] == "2"
    assert document.issued_to.name == "DEEPAK KUMAR YADAV"


@pytest.mark.parametrize(
    ("number", "status", "vahan_status"),
    [
        ("MH12AB1234", DocumentStatus.ACTIVE, "ACTIVE"),
        ("HR38K7712", DocumentStatus.REVOKED, "RC SURRENDER"),
        ("KA01MJ4821", DocumentStatus.SUSPENDED, "NOC ISSUED"),
    ],
)
async def test_registration_status_follows_vahan(
    adapter: TransportAdapter,
    number: str,
    status: DocumentStatus,
    vahan_status: str,
) -> None:
    document = await registration(adapter, number)

    assert document.status is status
    assert document.data[0].attributes["status"] == vahan_status


async def test_surrendered_truck_without_insurance_has_no_insurance(
    adapter: TransportAdapter,
) -> None:
    document = await registration(adapter, "HR38K7712")

    assert [child.tag for child in document.data[0].children] == ["Vehicle"]
    assert "Insurance" not in [block.title for block in document.display]
    assert document.data[0].attributes["statusDate"] == "14-06-2021"


async def test_registration_display_masks_chassis_and_engine_numbers(
    adapter: TransportAdapter,
) -> None:
    document = await registration(adapter, "MH12AB1234")

    vehicle = rows(document, "Vehicle")
    assert vehicle["Chassis number"] == "************47319"
    assert vehicle["Engine number"] == "*******71093"
    shown = [value for block in document.display for _, value in block.rows]
    assert "MA3FJEB1S00K47319" not in shown
    assert "K12MN4471093" not in shown


async def test_registration_display_shows_vehicle_insurance_and_tax(
    adapter: TransportAdapter,
) -> None:
    document = await registration(adapter, "DL3CBT5678")

    assert rows(document, "Vehicle")["Fuel"] == "ELECTRIC(BOV)"
    assert rows(document, "Insurance")["Insurer"] == "GO DIGIT GENERAL INSURANCE LTD"
    tax = rows(document, "Tax and pollution")
    assert tax["Tax paid up to"] == "26-07-2038"
    assert "Pollution certificate valid till" not in tax


# Unknown URIs


@pytest.mark.parametrize(
    "uri",
    [
        "in.gov.transport-DRVLC-MH1220160099999",
        "in.gov.transport-RVCER-MH12ZZ9999",
        "in.gov.transport-DRVLC-MH12AB1234",
        "in.gov.transport-RVCER-MH1220160012345",
        "in.gov.cbse-DRVLC-MH1220160012345",
        "not a document uri",
    ],
)
async def test_fetch_refuses_unknown_uri(adapter: TransportAdapter, uri: str) -> None:
    with pytest.raises(RecordNotFound):
        await adapter.fetch(uri)
    with pytest.raises(RecordNotFound):
        await adapter.get(uri)


# The certificate XML


async def test_every_sample_document_validates_against_the_certificate_schema(
    adapter: TransportAdapter,
) -> None:
    uris = [
        f"in.gov.transport-DRVLC-{number}"
        for number in load_sarathi(DATA_DIR / SARATHI_FILE)
    ] + [
        f"in.gov.transport-RVCER-{number}"
        for number in load_vahan(DATA_DIR / VAHAN_FILE)
    ]

    for uri in uris:
        document = await adapter.get(uri)
        validate_certificate(build_certificate(document))

    assert len(uris) == 17


# Reading Sarathi and Vahan records


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("2016-09-14", date(2016, 9, 14)),
        ("14-09-2016", date(2016, 9, 14)),
        ("14/09/2016", date(2016, 9, 14)),
        ("14-Sep-2016", date(2016, 9, 14)),
        ("14-SEP-2016", date(2016, 9, 14)),
        ("29-Feb-1992", date(1992, 2, 29)),
    ],
)
def test_record_dates_are_read_in_all_four_forms(written: str, meant: date) -> None:
    assert parse_record_date(written) == meant


@pytest.mark.parametrize(
    "written", ["31-02-1990", "29-Feb-1991", "14-Sept-2016", "2016/09/14", "14-09/2016"]
)
def test_record_dates_refuse_other_forms_and_impossible_days(written: str) -> None:
    with pytest.raises(ValueError, match="not a date"):
        parse_record_date(written)


async def test_typed_dates_do_not_accept_month_names(
    adapter: TransportAdapter,
) -> None:
    with pytest.raises(InvalidLookup, match="should look like") as raised:
        await find_licence(adapter, ROHAN_DL, "21-Jul-1998")

    assert raised.value.field == "dateOfBirth"


def test_month_of_manufacture_is_month_and_year() -> None:
    assert parse_month_year("07/2020") == (2020, 7)
    with pytest.raises(ValueError, match="MM/YYYY"):
        parse_month_year("13/2020")


def test_mask_keeps_only_the_last_five_characters() -> None:
    assert mask("MA3FJEB1S00K47319") == "************47319"
    assert mask("ABC") == "ABC"


def test_sarathi_answer_with_an_error_code_means_no_record() -> None:
    answer = {"dldetobj": [{"errorcd": 1, "erormsg": "DL Details Not Found"}]}

    assert parse_sarathi_response(answer) is None


def test_vahan_record_without_ok_status_means_no_record() -> None:
    assert parse_vahan_record({"stautsMessage": "Vehicle Not Found"}) is None


def sarathi_answer(number: str) -> dict[str, Any]:
    for answer in raw_records(SARATHI_FILE):
        dlobj = answer["dldetobj"][0]["dlobj"]
        if dlobj["dlLicno"].replace(" ", "").replace("-", "") == number:
            return copy.deepcopy(answer)
    raise AssertionError(f"no Sarathi answer for {number}")


def vahan_record(number: str) -> dict[str, Any]:
    for record in raw_records(VAHAN_FILE):
        if record["rc_regn_no"] == number:
            return copy.deepcopy(record)
    raise AssertionError(f"no Vahan record for {number}")


def test_sarathi_parser_names_a_malformed_date_field() -> None:
    answer = sarathi_answer(ROHAN_DL)
    answer["dldetobj"][0]["dlobj"]["dlNtValdtoDt"] = "31-13-2038"

    with pytest.raises(MalformedRecordError, match=r"dlobj\.dlNtValdtoDt"):
        parse_sarathi_response(answer, "answer")


def test_sarathi_parser_names_a_missing_holder() -> None:
    answer = sarathi_answer(ROHAN_DL)
    del answer["dldetobj"][0]["bioObj"]

    with pytest.raises(MalformedRecordError, match="bioObj"):
        parse_sarathi_response(answer, "answer")


def test_sarathi_parser_refuses_a_transport_class_without_transport_validity() -> None:
    answer = sarathi_answer(ROHAN_DL)
    answer["dldetobj"][0]["dlcovs"][0]["vecatg"] = "TR"

    with pytest.raises(MalformedRecordError, match="no transport validity"):
        parse_sarathi_response(answer, "answer")


def test_sarathi_parser_refuses_a_malformed_licence_number() -> None:
    answer = sarathi_answer(ROHAN_DL)
    answer["dldetobj"][0]["dlobj"]["dlLicno"] = "MH12 2016"

    with pytest.raises(MalformedRecordError, match="dlLicno"):
        parse_sarathi_response(answer, "answer")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("rc_tax_upto", "LIFETIME"),
        ("rc_manu_month_yr", "13/2018"),
        ("rc_status", "SEIZED"),
        ("rc_owner_sr", "first"),
        ("rc_cubic_cap", "about 1200"),
        ("rc_regn_dt", "2019-03-04T10:00"),
        ("rc_chasi_no", None),
    ],
)
def test_vahan_parser_names_the_malformed_field(field: str, value: object) -> None:
    record = vahan_record("MH12AB1234")
    record[field] = value

    with pytest.raises(MalformedRecordError, match=field):
        parse_vahan_record(record, "record")


def test_adapter_reads_records_from_another_folder(tmp_path: Path) -> None:
    (tmp_path / SARATHI_FILE).write_text(
        json.dumps([sarathi_answer(ROHAN_DL)]), encoding="utf-8"
    )
    (tmp_path / VAHAN_FILE).write_text("[]", encoding="utf-8")

    adapter = TransportAdapter(data_dir=tmp_path, today=lambda: TODAY)

    assert adapter.doc_type("DRVLC").code == "DRVLC"


async def test_adapter_from_another_folder_finds_only_its_records(
    tmp_path: Path,
) -> None:
    (tmp_path / SARATHI_FILE).write_text(
        json.dumps([sarathi_answer(ROHAN_DL)]), encoding="utf-8"
    )
    (tmp_path / VAHAN_FILE).write_text("[]", encoding="utf-8")
    adapter = TransportAdapter(data_dir=tmp_path, today=lambda: TODAY)

    found = await find_licence(adapter, ROHAN_DL, "21-07-1998")

    assert found.uri.endswith(ROHAN_DL)
    with pytest.raises(RecordNotFound):
        await find_registration(adapter, "MH12AB1234", "47319")


def test_a_licence_listed_twice_is_refused_at_load(tmp_path: Path) -> None:
    answer = sarathi_answer(ROHAN_DL)
    (tmp_path / SARATHI_FILE).write_text(json.dumps([answer, answer]), "utf-8")
    (tmp_path / VAHAN_FILE).write_text("[]", encoding="utf-8")

    with pytest.raises(MalformedRecordError, match="appears twice"):
        TransportAdapter(data_dir=tmp_path)


def test_a_malformed_record_is_refused_at_load_naming_file_and_entry(
    tmp_path: Path,
) -> None:
    record = vahan_record("MH12AB1234")
    record["rc_regn_dt"] = "04/Mar/2019"
    (tmp_path / SARATHI_FILE).write_text("[]", encoding="utf-8")
    (tmp_path / VAHAN_FILE).write_text(json.dumps([record]), encoding="utf-8")

    with pytest.raises(
        MalformedRecordError, match=r"vahan_registrations\.json\[0\]\.rc_regn_dt"
    ):
        TransportAdapter(data_dir=tmp_path)
