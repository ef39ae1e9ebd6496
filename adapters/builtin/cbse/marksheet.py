"""A candidate's gazette entry and registration, as a standard marksheet document.

The certificate data follows DigiLocker's marksheet shape: ``School``,
``Examination`` and ``Performance`` with ``Subjects/Subject``. Marks totals and
the percentage are over the best five subjects (see ``subjects.best_five``),
out of 500, as universities and the board read a CBSE result.
"""

from __future__ import annotations

from adapters.builtin.cbse.candidates import Registration
from adapters.builtin.cbse.records import CandidateResult, Gazette, Result
from adapters.builtin.cbse.subjects import (
    MARKS_MAX_PER_SUBJECT,
    ExamClass,
    best_five,
    percentage,
    subject_name,
)
from adapters.sdk import (
    DataNode,
    DisplaySection,
    DocumentStatus,
    Organization,
    Person,
    StandardDocument,
    node,
    xml_date,
)

DOCUMENT_NAMES = {
    ExamClass.XII: "Class XII Marksheet",
    ExamClass.X: "Class X Marksheet",
}
EXAMINATION_NAMES = {
    ExamClass.XII: "SENIOR SCHOOL CERTIFICATE EXAMINATION",
    ExamClass.X: "SECONDARY SCHOOL EXAMINATION",
}
_RESULT_WORDS = {
    Result.PASS: "Pass",
    Result.COMPARTMENT: "Compartment",
    Result.ESSENTIAL_REPEAT: "Essential Repeat",
    Result.ABSENT: "Absent",
}
# Fixed English names: strftime("%B") would follow the process locale.
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def build_marksheet(
    *,
    uri: str,
    doc_type: str,
    issued_by: Organization,
    gazette: Gazette,
    candidate: CandidateResult,
    registration: Registration,
) -> StandardDocument:
    """The marksheet of one candidate who sat the examination."""
    if candidate.result is Result.ABSENT:
        raise ValueError("an absent candidate has no marksheet")
    exam_class = gazette.exam_class
    holder = Person(
        name=registration.name,
        dob=registration.date_of_birth,
        gender=candidate.gender,
        mother_name=registration.mother_name,
        father_name=registration.father_name,
    )

    return StandardDocument(
        uri=uri,
        doc_type=doc_type,
        name=DOCUMENT_NAMES[exam_class],
        number=candidate.roll_number,
        issued_by=issued_by,
        issued_to=holder,
        data=(
            node(
                "School",
                name=candidate.school.name,
                code=candidate.school.code,
                region=candidate.region,
            ),
            node(
                "Examination",
                name=EXAMINATION_NAMES[exam_class],
                month=_MONTHS[gazette.result_date.month - 1],
                year=str(gazette.year),
            ),
            _performance(gazette, candidate),
        ),
        status=DocumentStatus.ACTIVE,
        issue_date=gazette.result_date,
        issued_at=candidate.region,
        display=_display(gazette, candidate, registration),
    )


def _best_five_marks(exam_class: ExamClass, candidate: CandidateResult) -> list[int]:
    # A paper the candidate missed counts as nought, as on the board's own sheet.
    marks = {subject.code: subject.mark or 0 for subject in candidate.subjects}
    return [marks[code] for code in best_five(exam_class, marks)]


def _performance(gazette: Gazette, candidate: CandidateResult) -> DataNode:
    exam_class = gazette.exam_class
    counted = _best_five_marks(exam_class, candidate)
    marks_max = MARKS_MAX_PER_SUBJECT * len(counted)
    subjects = [
        node(
            "Subject",
            code=subject.code,
            name=subject_name(exam_class, subject.code),
            marksTotal=None if subject.mark is None else str(subject.mark),
            marksMax=str(MARKS_MAX_PER_SUBJECT),
            grade=subject.grade,
        )
        for subject in candidate.subjects
    ]
    subjects.extend(
        node(
            "Subject",
            code=internal.code,
            name=subject_name(exam_class, internal.code),
            grade=internal.grade,
        )
        for internal in candidate.internal_grades
    )

    return node(
        "Performance",
        node("Subjects", *subjects),
        result=candidate.result.value,
        marksTotal=str(sum(counted)),
        marksMax=str(marks_max),
        percentage=percentage(sum(counted), marks_max),
        resultDate=xml_date(gazette.result_date),
        compartmentSubjects=" ".join(candidate.compartment_subjects) or None,
    )


def _display(
    gazette: Gazette, candidate: CandidateResult, registration: Registration
) -> tuple[DisplaySection, ...]:
    exam_class = gazette.exam_class
    counted = _best_five_marks(exam_class, candidate)
    marks_max = MARKS_MAX_PER_SUBJECT * len(counted)
    result = _RESULT_WORDS[candidate.result]
    if candidate.compartment_subjects:
        result += " in " + ", ".join(
            f"{code} {subject_name(exam_class, code)}"
            for code in candidate.compartment_subjects
        )

    table = [
        (
            subject.code,
            subject_name(exam_class, subject.code),
            "Absent" if subject.mark is None else f"{subject.mark:03d}",
            subject.grade or "",
        )
        for subject in candidate.subjects
    ]
    table.extend(
        (
            internal.code,
            subject_name(exam_class, internal.code),
            "",
            internal.grade or "",
        )
        for internal in candidate.internal_grades
    )

    return (
        DisplaySection(
            title="Candidate",
            rows=(
                ("Name", registration.name),
                ("Roll number", candidate.roll_number),
                ("Mother's name", registration.mother_name),
                ("Father's name", registration.father_name),
                ("Date of birth", xml_date(registration.date_of_birth)),
                ("School", f"{candidate.school.code} {candidate.school.name}"),
                ("Examination", f"{EXAMINATION_NAMES[exam_class]} {gazette.year}"),
            ),
        ),
        DisplaySection(
            title="Subjects",
            columns=("Code", "Subject", "Marks", "Grade"),
            table=tuple(table),
        ),
        DisplaySection(
            title="Result",
            rows=(
                ("Result", result),
                ("Marks (best five)", f"{sum(counted)} / {marks_max}"),
                ("Percentage", percentage(sum(counted), marks_max)),
                ("Result declared", xml_date(gazette.result_date)),
            ),
        ),
    )
