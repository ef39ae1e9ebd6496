"""Sample documents for the document pipeline's tests: invented people only.

One per built-in issuer shape (a Class XII marksheet, a driving licence, a
vehicle registration, a PAN verification record) and one from an issuer the
schema does not know. Each builder takes ``dataclasses.replace`` style
overrides so a test can change the one thing it is about.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from io import BytesIO
from typing import Any

from PIL import Image

from adapters.sdk import (
    Address,
    DataNode,
    DisplaySection,
    DocumentStatus,
    Gender,
    Organization,
    OrganizationType,
    Person,
    Photo,
    StandardDocument,
    node,
)

CBSE = Organization(
    name="Central Board of Secondary Education",
    code="CBSE",
    type=OrganizationType.CENTRAL_GOVERNMENT,
    address=Address(
        line1="Shiksha Kendra, 2 Community Centre",
        locality="Preet Vihar",
        vtc="Delhi",
        district="East Delhi",
        state="Delhi",
        pin="110092",
    ),
)
TRANSPORT_MH = Organization(
    name="Transport Department, Government of Maharashtra",
    code="MH12",
    type=OrganizationType.STATE_GOVERNMENT,
    address=Address(line1="RTO Pune, Sangam Bridge", vtc="Pune", state="Maharashtra"),
)
TRANSPORT_PB = Organization(
    name="Transport Department, Government of Punjab",
    code="PB10",
    type=OrganizationType.STATE_GOVERNMENT,
    address=Address(vtc="Ludhiana", state="Punjab", pin="141001"),
)
INCOME_TAX = Organization(
    name="Income Tax Department",
    code="ITD",
    type=OrganizationType.CENTRAL_GOVERNMENT,
    address=Address(vtc="New Delhi", state="Delhi"),
)

FETCHED_AT = datetime(2025, 6, 2, 9, 30, tzinfo=UTC)

_SUBJECTS = (
    ("301", "ENGLISH CORE", "074", "20", "094", "A1"),
    ("041", "MATHEMATICS", "063", "20", "083", "A2"),
    ("042", "PHYSICS", "052", "30", "082", "A2"),
    ("043", "CHEMISTRY", "049", "30", "079", "B1"),
    ("083", "COMPUTER SCIENCE", "068", "30", "098", "A1"),
)


def marksheet(**changes: Any) -> StandardDocument:
    """Aarav Sharma's Class XII marksheet, 2024."""
    subjects = tuple(
        node(
            "Subject",
            code=code,
            name=name,
            marksTheory=theory,
            marksMaxTheory="70" if practical == "30" else "80",
            marksPractical=practical,
            marksMaxPractical=practical,
            marksTotal=total,
            marksMax="100",
            grade=grade,
        )
        for code, name, theory, practical, total, grade in _SUBJECTS
    )
    doc = StandardDocument(
        uri="in.gov.cbse-HSCER-202426104518",
        doc_type="HSCER",
        name="Class XII Marksheet",
        number="26104518",
        issued_by=CBSE,
        issued_to=Person(
            name="Aarav Sharma",
            dob=date(2006, 3, 14),
            gender=Gender.MALE,
            mother_name="Neelam Sharma",
            father_name="Rakesh Sharma",
        ),
        data=(
            node("School", name="Sunrise Public School, Lajpat Nagar", code="27104"),
            node(
                "Examination",
                name="Senior School Certificate Examination",
                month="MAY",
                year="2024",
            ),
            node(
                "Performance",
                node("Subjects", *subjects),
                result="PASS",
                marksTotal="436",
                marksMax="500",
                percentage="87.20",
                resultDate="13-05-2024",
            ),
        ),
        issue_date=date(2024, 5, 13),
        issued_at="DELHI EAST",
        display=(
            DisplaySection(
                title="Result",
                rows=(
                    ("Roll number", "26104518"),
                    ("School", "27104 Sunrise Public School, Lajpat Nagar"),
                    ("Result", "PASS"),
                ),
            ),
            DisplaySection(
                title="Marks",
                columns=("Code", "Subject", "Theory", "Practical", "Total", "Grade"),
                table=tuple(
                    (code, name, theory, practical, total, grade)
                    for code, name, theory, practical, total, grade in _SUBJECTS
                ),
            ),
        ),
        fetched_at=FETCHED_AT,
    )
    return replace(doc, **changes)


def driving_licence(**changes: Any) -> StandardDocument:
    """Rohan Mehta's driving licence from Pune, with his photograph."""
    doc = StandardDocument(
        uri="in.gov.transport-DRVLC-MH1220160034217",
        doc_type="DRVLC",
        name="Driving Licence",
        number="MH12 20160034217",
        issued_by=TRANSPORT_MH,
        issued_to=Person(
            name="Rohan Mehta",
            dob=date(1998, 7, 21),
            gender=Gender.MALE,
            father_name="Sanjay Mehta",
            address=Address(
                house="Flat 402, Sai Heights",
                line1="Baner Road",
                vtc="Pune",
                district="Pune",
                state="Maharashtra",
                pin="411045",
            ),
            photo=Photo(format="PNG", content=portrait_png()),
        ),
        data=(
            node(
                "DrivingLicense",
                code="NT",
                abbreviation="MCWG",
                description="Motor Cycle with Gear",
                issueDate="04-08-2016",
                validFrom="04-08-2016",
                validTo="20-07-2038",
                status="A",
            ),
            node(
                "DrivingLicense",
                code="NT",
                abbreviation="LMV",
                description="Light Motor Vehicle",
                issueDate="04-08-2016",
                validFrom="04-08-2016",
                validTo="20-07-2038",
                status="A",
            ),
        ),
        issue_date=date(2016, 8, 4),
        valid_from=date(2016, 8, 4),
        expiry_date=date(2038, 7, 20),
        issued_at="RTO PUNE",
        display=(
            DisplaySection(
                title="Classes of vehicle",
                columns=("Class", "Description", "Issued", "Valid until"),
                table=(
                    ("MCWG", "Motor Cycle with Gear", "04-08-2016", "20-07-2038"),
                    ("LMV", "Light Motor Vehicle", "04-08-2016", "20-07-2038"),
                ),
            ),
        ),
        fetched_at=FETCHED_AT,
    )
    return replace(doc, **changes)


def registration(**changes: Any) -> StandardDocument:
    """Gurpreet Singh Dhillon's car registration; no display sections."""
    doc = StandardDocument(
        uri="in.gov.transport-RVCER-PB10GK4521",
        doc_type="RVCER",
        name="Registration Certificate",
        number="PB10GK4521",
        issued_by=TRANSPORT_PB,
        issued_to=Person(name="Gurpreet Singh Dhillon", father_name="Harbans Singh"),
        data=(
            node(
                "VehicleRegistration",
                node(
                    "Vehicle",
                    chasisNo="MA3EWDE1S00718264",
                    engineNo="K12MN4471823",
                    category="LMV",
                    color="PEARL ARCTIC WHITE",
                    cubicCapacity="1197",
                    fuelDesc="PETROL",
                    make="MARUTI SUZUKI INDIA LTD",
                    model="SWIFT VXI",
                    bodyType="SALOON",
                    mfgDate="11/2019",
                    seatCapacity="5",
                    fitTill="26-11-2034",
                    unladenWeight="875",
                    grossWeight="1355",
                    cylinders="4",
                    **{"class": "Motor Car(LMV)"},
                ),
                node(
                    "Insurance",
                    companyName="Shivalik General Insurance Co. Ltd.",
                    policyNo="3001/O/188734521/00/000",
                    validTill="25-11-2025",
                ),
                registrationDate="27-11-2019",
                registeredAt="LUDHIANA RTO, Punjab",
                ownerSerial="1",
                status="ACTIVE",
                normsDesc="BHARAT STAGE VI",
                taxUpto="LTT",
                puccUpto="14-03-2026",
            ),
        ),
        issue_date=date(2019, 11, 27),
        expiry_date=date(2034, 11, 26),
        fetched_at=FETCHED_AT,
    )
    return replace(doc, **changes)


def pan_record(
    *, element: str = "PANVerificationRecord", **changes: Any
) -> StandardDocument:
    """Fatima Zehra Khan's PAN verification record."""
    doc = StandardDocument(
        uri="in.gov.pan-PANCR-AKZPK4821M",
        doc_type="PANCR",
        name="PAN Verification Record",
        number="AKZPK4821M",
        issued_by=INCOME_TAX,
        issued_to=Person(name="Fatima Zehra Khan", dob=date(1990, 1, 30)),
        data=(
            node(
                element,
                num="AKZPK4821M",
                verifiedOn="02-06-2025",
                status="E",
                statusDescription="Existing and Valid",
                lastUpdated="18-09-2021",
                aadhaarSeeding="Y",
            ),
        ),
        issue_date=date(2025, 6, 2),
        display=(
            DisplaySection(
                title="Verification",
                rows=(("PAN", "AKZPK4821M"), ("Status", "E: Existing and Valid")),
            ),
        ),
        fetched_at=FETCHED_AT,
    )
    return replace(doc, **changes)


def unknown_issuer_document(*data: DataNode) -> StandardDocument:
    """A birth record from a municipal issuer whose elements no schema declares."""
    return StandardDocument(
        uri="in.gov.mcgm-BTCER-2003BR99812",
        doc_type="BTCER",
        name="Birth Certificate",
        number="2003/BR/99812",
        issued_by=Organization(
            name="Municipal Corporation of Greater Mumbai",
            type=OrganizationType.STATE_GOVERNMENT,
        ),
        issued_to=Person(name="Ishaan Deshpande", dob=date(2003, 2, 11)),
        data=data
        or (
            node(
                "BirthRecord",
                node("Hospital", name="Navjeevan Maternity Home", ward="K/East"),
                registrationNo="2003/BR/99812",
                placeOfBirth="Andheri East, Mumbai",
            ),
        ),
        issue_date=date(2003, 3, 1),
    )


def portrait_png() -> bytes:
    """A small passport-shaped image standing in for a holder's photograph."""
    image = Image.new("RGB", (60, 75), (196, 164, 132))
    buffer = BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def with_status(doc: StandardDocument, status: DocumentStatus) -> StandardDocument:
    """The same document in another status."""
    return replace(doc, status=status)
