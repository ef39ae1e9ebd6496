"""Readers for single lines of the CBSE result gazette, each by its tokens.

Every reader takes one line's text and answers what it says, or raises
``LineError`` with a sentence about what is wrong; the gazette parser adds the
file name and line number. Columns shift between years, so nothing here reads
fixed offsets.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from adapters.builtin.cbse.records import Result, School, SubjectMark, Totals
from adapters.builtin.cbse.subjects import ExamClass
from adapters.sdk import Gender

INTERNAL_GRADE_CODES = ("500", "502", "503")
GRADES = frozenset({"A1", "A2", "B1", "B2", "C1", "C2", "D1", "D2", "E"})
MOST_SUBJECTS: Mapping[ExamClass, int] = {ExamClass.XII: 6, ExamClass.X: 7}
ABSENT_MARK = "ABS"

_DATE = re.compile(r"DATE\s*:-?\s*(\d{2})([/-])(\d{2})\2(\d{4})")
_EXAM = re.compile(
    r"(?:ALL INDIA\s+)?(SENIOR SCHOOL CERTIFICATE|SECONDARY SCHOOL)\s+EXAMINATION"
    r"\s*\(MAIN\)\s*-\s*(\d{4})"
)
_EXAM_CLASSES = {
    "SENIOR SCHOOL CERTIFICATE": ExamClass.XII,
    "SECONDARY SCHOOL": ExamClass.X,
}
_REGION = re.compile(r"REGION\s*:-?\s*(\S+(?: \S+)*)")
_PAGE = re.compile(r"PAGE\s*:-?\s*(\d+)")
_BOARD = "CENTRAL BOARD OF SECONDARY EDUCATION"
_TITLE = re.compile(r"\(\s*SCHOOL\s*/\s*ROLL NO WISE GAZETTE\s*\)")
_RULE = re.compile(r"-{10,}")
_HEADING_WORDS = frozenset({"MRK", "MKS", "MARKS", "GR", "GRADE"})
_SCHOOL = re.compile(r"SCHOOL\s*:\s*-?\s*(\d{5})\s+(\S.*)")
_TOTALS = re.compile(
    r"TOTAL CANDIDATES\s*:\s*(\d+)\s+TOTAL PASS\s*:\s*(\d+)\s+"
    r"TOTAL COMPTT\.?\s*:\s*(\d+)\s+TOTAL ESSENTIAL REPEAT\s*:\s*(\d+)\s+"
    r"TOTAL ABSENT\s*:\s*(\d+)"
)
_ROLL = re.compile(r"[0-9]{8}")
_CODE = re.compile(r"[0-9]{3}")
_NAME_WORD = re.compile(r"[A-Z][A-Z.'-]*")
_GENDERS = {gender.value: gender for gender in Gender}


class LineError(ValueError):
    """One line is not what the gazette prints there."""


@dataclass(frozen=True)
class HeaderFields:
    """What one page header line states; ``None`` for what it does not."""

    result_date: date | None = None
    exam_class: ExamClass | None = None
    year: int | None = None
    region: str | None = None
    page: int | None = None


@dataclass(frozen=True)
class CandidateLine:
    """A candidate's line 1: who, which subjects, and the result."""

    roll_number: str
    gender: Gender
    name: str
    codes: tuple[str, ...]
    internal_grades: tuple[SubjectMark, ...]
    result: Result
    compartment_subjects: tuple[str, ...]


def read_header_line(line: str) -> HeaderFields | None:
    """A page header or column heading line; ``None`` when it is neither."""
    result_date: date | None = None
    exam_class: ExamClass | None = None
    year: int | None = None
    if match := _DATE.search(line):
        day, _, month, printed_year = match.groups()
        try:
            result_date = date(int(printed_year), int(month), int(day))
        except ValueError:
            raise LineError("DATE:- is not a real date") from None
    if "EXAMINATION" in line:
        exam = _EXAM.search(line)
        if exam is None:
            raise LineError(
                "the examination should read SENIOR SCHOOL CERTIFICATE EXAMINATION "
                "(MAIN)-YYYY or SECONDARY SCHOOL EXAMINATION (MAIN)-YYYY"
            )
        exam_class, year = _EXAM_CLASSES[exam[1]], int(exam[2])
    region = match[1] if (match := _REGION.search(line)) else None
    page = int(match[1]) if (match := _PAGE.search(line)) else None
    fields = HeaderFields(result_date, exam_class, year, region, page)
    if fields != HeaderFields():
        return fields

    tokens = line.split()
    if _BOARD in line or _TITLE.search(line) or _RULE.fullmatch(line.strip()):
        return HeaderFields()
    if tokens[:2] == ["ROLL", "NO"] or set(tokens) <= _HEADING_WORDS:
        return HeaderFields()
    return None


def read_school_line(line: str) -> School:
    match = _SCHOOL.fullmatch(line.strip())
    if match is None:
        raise LineError("a SCHOOL line needs a 5-digit school code and a name")
    return School(code=match[1], name=" ".join(match[2].split()))


def read_totals_line(line: str) -> Totals:
    match = _TOTALS.fullmatch(line.strip())
    if match is None:
        raise LineError(
            "the closing line should read TOTAL CANDIDATES : n TOTAL PASS : n "
            "TOTAL COMPTT. : n TOTAL ESSENTIAL REPEAT : n TOTAL ABSENT : n"
        )
    return Totals(*(int(count) for count in match.groups()))


def read_candidate_line(line: str, exam_class: ExamClass) -> CandidateLine:
    """Line 1: roll, gender, name, subject codes, internal grades, result."""
    tokens = line.split()
    if _ROLL.fullmatch(tokens[0]) is None:
        raise LineError("a roll number has 8 digits")
    if len(tokens) < 2 or tokens[1] not in _GENDERS:
        raise LineError("the gender after the roll number is not M or F")

    position = 2
    name: list[str] = []
    while position < len(tokens) and _CODE.fullmatch(tokens[position]) is None:
        if _NAME_WORD.fullmatch(tokens[position]) is None:
            raise LineError(f"{tokens[position]!r} is not part of a name")
        name.append(tokens[position])
        position += 1
    codes: list[str] = []
    while position < len(tokens) and _CODE.fullmatch(tokens[position]):
        codes.append(tokens[position])
        position += 1
    grades: list[str] = []
    while position < len(tokens) and tokens[position] in GRADES:
        grades.append(tokens[position])
        position += 1

    _check_candidate(exam_class, name, codes, grades)
    result, compartment = _read_result(tokens[position:], codes)

    return CandidateLine(
        roll_number=tokens[0],
        gender=_GENDERS[tokens[1]],
        name=" ".join(name),
        codes=tuple(codes),
        internal_grades=tuple(
            SubjectMark(code=code, mark=None, grade=grade)
            for code, grade in zip(INTERNAL_GRADE_CODES, grades, strict=False)
        ),
        result=result,
        compartment_subjects=compartment,
    )


def _check_candidate(
    exam_class: ExamClass, name: list[str], codes: list[str], grades: list[str]
) -> None:
    if not name:
        raise LineError("the candidate has no name")
    if not codes:
        raise LineError("the candidate has no subject codes")
    most = MOST_SUBJECTS[exam_class]
    if len(codes) > most:
        raise LineError(
            f"a Class {exam_class} candidate has at most {most} subjects, "
            f"this line has {len(codes)}"
        )
    if len(set(codes)) != len(codes):
        raise LineError("a subject code appears twice")

    # Class XII prints the three internal grades, except for an absent candidate.
    allowed = (0, len(INTERNAL_GRADE_CODES)) if exam_class is ExamClass.XII else (0,)
    if len(grades) not in allowed:
        raise LineError(
            f"Class {exam_class} lines carry "
            f"{' or '.join(str(count) for count in allowed)} internal grades, "
            f"this one {len(grades)}"
        )


def _read_result(tokens: list[str], codes: list[str]) -> tuple[Result, tuple[str, ...]]:
    words = " ".join(tokens)
    if words in (Result.PASS, Result.ESSENTIAL_REPEAT, Result.ABSENT):
        return Result(words), ()
    if tokens[:1] == [Result.COMPARTMENT.value] and len(tokens) > 1:
        compartment = tuple(tokens[1:])
        unknown = [code for code in compartment if code not in codes]
        if unknown:
            raise LineError(
                f"compartment in {', '.join(unknown)}, which the candidate did not take"
            )
        return Result.COMPARTMENT, compartment
    raise LineError(
        f"the result {words or '(nothing)'!r} is not PASS, COMP <codes>, "
        "ESSENTIAL REPEAT or ABST"
    )


def read_marks_line(line: str, candidate: CandidateLine) -> tuple[SubjectMark, ...]:
    """Line 2: a mark and a grade, or ``ABS``, for each of the candidate's codes."""
    tokens = line.split()
    marks = _pair_marks(tokens, candidate.codes)
    if len(marks) != len(candidate.codes):
        raise LineError(
            f"candidate {candidate.roll_number} takes {len(candidate.codes)} "
            "subjects, but this marks line does not hold one mark and grade for each"
        )

    absent = all(mark.mark is None for mark in marks)
    if (candidate.result is Result.ABSENT) != absent:
        raise LineError(
            f"candidate {candidate.roll_number} is {candidate.result.value}, which "
            "does not fit these marks"
        )

    return marks


def _pair_marks(tokens: list[str], codes: Sequence[str]) -> tuple[SubjectMark, ...]:
    """Mark/grade pairs (or ``ABS``) under the codes; all tokens must be used."""
    marks: list[SubjectMark] = []
    position = 0
    for code in codes:
        if position >= len(tokens):
            break
        if tokens[position] == ABSENT_MARK:
            marks.append(SubjectMark(code=code, mark=None, grade=None))
            position += 1
            continue
        mark, grade = tokens[position], tokens[position + 1 : position + 2]
        if _CODE.fullmatch(mark) is None or int(mark) > 100:
            raise LineError(f"{mark!r} is not a mark out of 100")
        if not grade or grade[0] not in GRADES:
            raise LineError(f"the mark {mark} has no grade after it")
        marks.append(SubjectMark(code=code, mark=int(mark), grade=grade[0]))
        position += 2
    if position != len(tokens):
        return ()

    return tuple(marks)
