"""What a CBSE result gazette holds, once read: candidates, schools, results."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from adapters.builtin.cbse.subjects import ExamClass
from adapters.sdk import Gender


class GazetteParseError(ValueError):
    """The text is not a well-formed CBSE result gazette; says where and why."""

    def __init__(
        self, source: str, line: int | None, message: str, text: str = ""
    ) -> None:
        where = f"{source}, line {line}" if line is not None else source
        quoted = f" (the line reads {text.strip()!r})" if text.strip() else ""
        super().__init__(f"{where}: {message}{quoted}")
        self.source = source
        self.line = line


class GazetteTotalsError(GazetteParseError):
    """The closing TOTAL line disagrees with the candidates the gazette lists."""


class Result(enum.StrEnum):
    """A candidate's result as the gazette prints it."""

    # A result word, not a credential.
    PASS = "PASS"  # noqa: S105
    COMPARTMENT = "COMP"
    ESSENTIAL_REPEAT = "ESSENTIAL REPEAT"
    ABSENT = "ABST"


@dataclass(frozen=True)
class School:
    """A school as its ``SCHOOL : -`` line names it."""

    code: str
    name: str


@dataclass(frozen=True)
class SubjectMark:
    """One subject of a candidate: the mark out of 100 and the grade.

    Both are ``None`` for a paper the candidate was absent from; an internal
    grade subject (Class XII 500, 502, 503) has a grade and no mark.
    """

    code: str
    mark: int | None
    grade: str | None


@dataclass(frozen=True)
class CandidateResult:
    """One candidate's two gazette lines, read; ``line`` is where line 1 is."""

    roll_number: str
    gender: Gender
    name: str
    school: School
    region: str
    subjects: tuple[SubjectMark, ...]
    internal_grades: tuple[SubjectMark, ...]
    result: Result
    compartment_subjects: tuple[str, ...]
    line: int


@dataclass(frozen=True)
class Totals:
    """The closing ``TOTAL CANDIDATES … TOTAL ABSENT`` counts."""

    candidates: int
    passed: int
    compartment: int
    essential_repeat: int
    absent: int

    def describe(self) -> str:
        return (
            f"{self.candidates} candidates ({self.passed} pass, "
            f"{self.compartment} compartment, {self.essential_repeat} essential "
            f"repeat, {self.absent} absent)"
        )


@dataclass(frozen=True)
class Gazette:
    """A parsed gazette: one examination, one result date, candidates by roll."""

    source: str
    exam_class: ExamClass
    year: int
    result_date: date
    candidates: Mapping[str, CandidateResult]
    totals: Totals
