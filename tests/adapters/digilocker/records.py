"""The board's records: invented candidates and their marksheets.

Every person, school and seat number here is invented. A ``Marksheet`` is
what the board keeps; ``marksheet_certificate`` writes it as the certificate
XML the board sends in ``DataContent``, DigiLocker's marksheet shape.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

ISSUER_ID = "in.gov.mahahsscboard"
BOARD = "Maharashtra State Board of Secondary and Higher Secondary Education"


@dataclass(frozen=True)
class Subject:
    code: str
    name: str
    marks: int


@dataclass(frozen=True)
class Marksheet:
    """One candidate's result, as the board keeps it."""

    doc_type: str
    seat_number: str
    year: str
    name: str
    dob: str  # DD-MM-YYYY
    gender: str
    mother_name: str
    school: str
    school_code: str
    division: str
    subjects: tuple[Subject, ...]
    result: str = "PASS"
    pending: bool = False

    @property
    def uri(self) -> str:
        return f"{ISSUER_ID}-{self.doc_type}-{self.seat_number}{self.year}"

    @property
    def total(self) -> int:
        return sum(subject.marks for subject in self.subjects)


HSC_SUBJECTS = (
    ("01", "English"),
    ("02", "Marathi"),
    ("40", "Mathematics and Statistics"),
    ("54", "Physics"),
    ("55", "Chemistry"),
    ("56", "Biology"),
)

AARTI_MARKS = (78, 81, 88, 84, 79, 90)
AARTI = Marksheet(
    doc_type="HSCER",
    seat_number="M240318",
    year="2024",
    name="Aarti Sunil Deshmukh",
    dob="14-03-2006",
    gender="F",
    mother_name="Vaishali",
    school="Shri Shivaji Vidyalaya Junior College, Kothrud",
    school_code="11.02.027",
    division="Pune",
    subjects=tuple(
        Subject(code, name, marks)
        for (code, name), marks in zip(HSC_SUBJECTS, AARTI_MARKS, strict=True)
    ),
)
OMKAR = Marksheet(
    doc_type="SSCER",
    seat_number="N180772",
    year="2022",
    name="Omkar Vijay Kulkarni",
    dob="02-11-2006",
    gender="M",
    mother_name="Sunanda",
    school="Saraswati Vidya Mandir, Dharampeth",
    school_code="52.14.009",
    division="Nagpur",
    subjects=(
        Subject("01", "Marathi", 84),
        Subject("17", "English", 77),
        Subject("15", "Hindi", 80),
        Subject("71", "Mathematics", 92),
        Subject("72", "Science and Technology", 87),
        Subject("73", "Social Sciences", 81),
    ),
)
SAYALI = Marksheet(
    doc_type="HSCER",
    seat_number="K240115",
    year="2024",
    name="Sayali Prakash Jadhav",
    dob="27-07-2006",
    gender="F",
    mother_name="Rekha",
    school="Rajarshi Shahu Junior College, Kolhapur",
    school_code="21.07.044",
    division="Kolhapur",
    subjects=(),
    pending=True,  # result withheld for verification: the board answers 9
)
# Two candidates who are also sandbox eKYC residents, for journeys through the
# locker's API: Ananya's result is out, Kavya's is withheld until the board
# pushes it.
ANANYA = Marksheet(
    doc_type="HSCER",
    seat_number="P250641",
    year="2025",
    name="Ananya Iyer",
    dob="18-06-2007",
    gender="F",
    mother_name="Lakshmi",
    school="Fergusson College Junior College, Shivajinagar",
    school_code="11.01.003",
    division="Pune",
    subjects=tuple(
        Subject(code, name, marks)
        for (code, name), marks in zip(
            HSC_SUBJECTS, (82, 75, 94, 88, 86, 91), strict=True
        )
    ),
)
KAVYA = Marksheet(
    doc_type="HSCER",
    seat_number="L240889",
    year="2024",
    name="Kavya Reddy",
    dob="25-08-2006",
    gender="F",
    mother_name="Padmavathi",
    school="Sant Gadge Maharaj Junior College, Latur",
    school_code="33.04.012",
    division="Latur",
    subjects=tuple(
        Subject(code, name, marks)
        for (code, name), marks in zip(
            HSC_SUBJECTS, (71, 83, 68, 74, 77, 80), strict=True
        )
    ),
    pending=True,
)
RECORDS = (AARTI, OMKAR, SAYALI, ANANYA, KAVYA)
EXAMINATIONS = {
    "HSCER": "HIGHER SECONDARY CERTIFICATE EXAMINATION",
    "SSCER": "SECONDARY SCHOOL CERTIFICATE EXAMINATION",
}


def marksheet_certificate(record: Marksheet) -> etree._Element:
    """The board's certificate XML for a marksheet, DigiLocker's shape."""
    root = etree.Element("Certificate")
    for name, value in (
        ("language", "99"),
        ("name", "HSC Marksheet" if record.doc_type == "HSCER" else "SSC Marksheet"),
        ("type", record.doc_type),
        ("number", record.seat_number),
        ("prevNumber", ""),
        ("issuedAt", record.division),
        ("issueDate", "21-05-2024" if record.year == "2024" else "17-06-2022"),
        ("status", "A"),
    ):
        root.set(name, value)
    issued_by = etree.SubElement(root, "IssuedBy")
    organization = etree.SubElement(issued_by, "Organization")
    organization.set("name", BOARD)
    organization.set("code", "MSBSHSE")
    organization.set("type", "SG")
    address = etree.SubElement(organization, "Address")
    address.set("line1", "Survey No. 832-A, Final Plot No. 178")
    address.set("locality", "Shivajinagar")
    address.set("vtc", "Pune")
    address.set("state", "Maharashtra")
    address.set("pin", "411004")
    address.set("country", "IN")

    issued_to = etree.SubElement(root, "IssuedTo")
    person = etree.SubElement(issued_to, "Person")
    person.set("name", record.name)
    person.set("dob", record.dob)
    person.set("gender", record.gender)
    person.set("motherName", record.mother_name)

    data = etree.SubElement(root, "CertificateData")
    school = etree.SubElement(data, "School")
    school.set("name", record.school)
    school.set("code", record.school_code)
    school.set("region", record.division)
    examination = etree.SubElement(data, "Examination")
    examination.set("name", EXAMINATIONS[record.doc_type])
    examination.set("month", "February-March")
    examination.set("year", record.year)
    performance = etree.SubElement(data, "Performance")
    performance.set("result", record.result)
    performance.set("marksTotal", str(record.total))
    performance.set("marksMax", str(100 * len(record.subjects)))
    subjects = etree.SubElement(performance, "Subjects")
    for entry in record.subjects:
        subject = etree.SubElement(subjects, "Subject")
        subject.set("code", entry.code)
        subject.set("name", entry.name)
        subject.set("marksTotal", str(entry.marks))
        subject.set("marksMax", "100")
    return root
