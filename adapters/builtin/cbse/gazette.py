"""A parser for the CBSE result gazette, the board's plain-text result listing.

The gazette is what the board sends schools after results. It is ASCII, ends
with Ctrl-Z, and its line endings vary between files (CR CR, LF, CR LF): any
run of CR and LF is one line break here and blank lines are skipped, so a
line number in an error counts lines as the parser sees them (and the error
quotes the line's text, to find it by). Pages are separated by a form-feed;
each page starts with a header::

    DATE:- 13/05/2024      CENTRAL BOARD OF SECONDARY EDUCATION      PAGE:- 1
          ALL INDIA SENIOR SCHOOL CERTIFICATE EXAMINATION (MAIN)-2024
                                 REGION: DELHI EAST
                          (SCHOOL / ROLL NO WISE GAZETTE)
    ---------------------------------------------------------------------
    ROLL NO   SEX CNAME                   SUB1    SUB2 ...  IG1 IG2 IG3  RESULT
                                          MRK GR  MRK GR ...
    ---------------------------------------------------------------------

then ``SCHOOL : - NNNNN <name>`` lines and two lines per candidate::

    16612345  M AARAV SHARMA              301     041 ...   A1  A1  A1   PASS
                                          088 A2  092 A1 ...

Line 1 holds the roll number, gender, name, subject codes, (Class XII) the
internal grades of 500 Work Experience, 502 Health & Physical Education and
503 General Studies, and the result: ``PASS``, ``COMP`` with the compartment
subject codes, ``ESSENTIAL REPEAT`` or ``ABST``. Line 2 holds a three-digit
mark and a grade per subject, or ``ABS`` for a paper the candidate missed (an
absent candidate's line is all ``ABS``). Columns move between years, so the
parser reads tokens, never fixed offsets. A candidate's two lines may straddle
a page break. The last line counts candidates by result, and the parser checks
those counts against what it read.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, fields
from datetime import date

from adapters.builtin.cbse.gazette_lines import (
    CandidateLine,
    HeaderFields,
    LineError,
    read_candidate_line,
    read_header_line,
    read_marks_line,
    read_school_line,
    read_totals_line,
)
from adapters.builtin.cbse.records import (
    CandidateResult,
    Gazette,
    GazetteParseError,
    GazetteTotalsError,
    Result,
    School,
    Totals,
)
from adapters.builtin.cbse.subjects import ExamClass

_LINE_BREAK = re.compile(r"[\r\n]+")


def parse_gazette(data: bytes | str, *, source: str = "gazette") -> Gazette:
    """Read a gazette's text; ``GazetteParseError`` naming the line when malformed.

    ``source`` names the gazette in error messages (its file name, usually).
    """
    if isinstance(data, bytes):
        try:
            text = data.decode("ascii")
        except UnicodeDecodeError as error:
            before = data[: error.start].decode("ascii")
            raise GazetteParseError(
                source,
                len(_LINE_BREAK.split(before)),
                "the gazette is ASCII, but this line has other bytes",
            ) from None
    else:
        text = data

    # Ctrl-Z is the DOS end of file: whatever a copy left after it is not gazette.
    text = text.split("\x1a", 1)[0]
    reader = _GazetteReader(source)
    for number, line in enumerate(_LINE_BREAK.split(text), start=1):
        try:
            reader.read(number, line)
        except LineError as error:
            raise GazetteParseError(source, number, str(error), line) from None

    return reader.finish()


@dataclass
class _Page:
    """What one page's header said, filled in line by line."""

    result_date: date | None = None
    exam_class: ExamClass | None = None
    year: int | None = None
    region: str | None = None
    page: int | None = None
    has_content: bool = False

    def take(self, header: HeaderFields) -> None:
        """Add what a header line states; a page must not contradict itself."""
        for field in fields(header):
            value = getattr(header, field.name)
            if value is None:
                continue
            known = getattr(self, field.name)
            if known is not None and known != value:
                raise LineError("the page header says two different things")
            setattr(self, field.name, value)


@dataclass(frozen=True)
class _Pending:
    """A candidate's line 1, waiting for its marks line (maybe on the next page)."""

    line: int
    text: str
    candidate: CandidateLine
    school: School
    region: str


class _GazetteReader:
    """A line-at-a-time reader that knows where in the gazette it is."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.page: _Page | None = None
        self.first_page: _Page | None = None
        self.last_page_number = 0
        self.school: School | None = None
        self.pending: _Pending | None = None
        self.candidates: dict[str, CandidateResult] = {}
        self.totals: Totals | None = None
        self.totals_line = 0

    def read(self, number: int, line: str) -> None:
        """Dispatch one line by what it looks like."""
        if line.startswith("\f"):
            self.page = _Page()
            line = line.lstrip("\f")
        if not line.strip():
            return
        if self.totals is not None:
            raise LineError("text follows the closing TOTAL line")

        stripped = line.strip()
        if stripped.startswith("SCHOOL"):
            self.require_page()
            self.require_no_pending(number)
            self.school = read_school_line(line)
        elif stripped.startswith("TOTAL"):
            self.require_page()
            self.require_no_pending(number)
            self.totals = read_totals_line(line)
            self.totals_line = number
        elif line[0].isdigit():
            self.read_candidate(number, line)
        elif line[0].isspace() and (stripped[0].isdigit() or stripped[:3] == "ABS"):
            self.read_marks(line)
        else:
            self.read_header(line)

    def read_header(self, line: str) -> None:
        """A page header line or column heading; after a page's content, an error."""
        if self.page is None:
            self.page = _Page()
        header = read_header_line(line)
        if header is None or self.page.has_content:
            raise LineError("not a line of a CBSE result gazette")
        self.page.take(header)

    def require_page(self) -> _Page:
        """The current page's header, checked complete and in step with page 1."""
        page = self.page
        if page is None:
            raise LineError("content comes before any page header")
        if page.has_content:
            return page

        missing = [
            label
            for label, value in (
                ("DATE:-", page.result_date),
                ("the examination and year", page.exam_class),
                ("REGION:", page.region),
                ("PAGE:-", page.page),
            )
            if value is None
        ]
        if missing:
            raise LineError(f"the page header above lacks {', '.join(missing)}")
        if page.page != self.last_page_number + 1:
            raise LineError(f"page {page.page} follows page {self.last_page_number}")
        first = self.first_page or page
        if (page.exam_class, page.year) != (first.exam_class, first.year):
            raise LineError(
                f"page {page.page} is for Class {page.exam_class} {page.year}, "
                f"but page 1 is for Class {first.exam_class} {first.year}"
            )
        if page.result_date != first.result_date:
            raise LineError(f"page {page.page} has another DATE:- than page 1")

        self.first_page = first
        self.last_page_number = page.page
        page.has_content = True
        return page

    def require_no_pending(self, number: int) -> None:
        pending = self.pending
        if pending is not None:
            raise GazetteParseError(
                self.source,
                pending.line,
                f"candidate {pending.candidate.roll_number} has no marks line "
                f"before line {number}",
                pending.text,
            )

    def read_candidate(self, number: int, line: str) -> None:
        page = self.require_page()
        self.require_no_pending(number)
        if self.school is None:
            raise LineError("a candidate comes before any SCHOOL line")
        assert page.exam_class is not None
        assert page.region is not None

        candidate = read_candidate_line(line, page.exam_class)
        if candidate.roll_number in self.candidates:
            raise LineError(f"roll number {candidate.roll_number} appears twice")
        self.pending = _Pending(number, line, candidate, self.school, page.region)

    def read_marks(self, line: str) -> None:
        self.require_page()
        pending = self.pending
        if pending is None:
            raise LineError("a marks line without a candidate line above it")

        candidate = pending.candidate
        marks = read_marks_line(line, candidate)
        self.pending = None
        self.candidates[candidate.roll_number] = CandidateResult(
            roll_number=candidate.roll_number,
            gender=candidate.gender,
            name=candidate.name,
            school=pending.school,
            region=pending.region,
            subjects=marks,
            internal_grades=candidate.internal_grades,
            result=candidate.result,
            compartment_subjects=candidate.compartment_subjects,
            line=pending.line,
        )

    def finish(self) -> Gazette:
        """Check the gazette is complete and its counts agree, and answer it."""
        pending, first, totals = self.pending, self.first_page, self.totals
        if pending is not None:
            raise GazetteParseError(
                self.source,
                pending.line,
                f"candidate {pending.candidate.roll_number} has no marks line "
                "before the gazette ends",
                pending.text,
            )
        if first is None:
            raise GazetteParseError(self.source, None, "no page has any content")
        if totals is None:
            raise GazetteParseError(
                self.source, None, "the gazette ends without its TOTAL CANDIDATES line"
            )

        by_result = Counter(entry.result for entry in self.candidates.values())
        counted = Totals(
            candidates=len(self.candidates),
            passed=by_result[Result.PASS],
            compartment=by_result[Result.COMPARTMENT],
            essential_repeat=by_result[Result.ESSENTIAL_REPEAT],
            absent=by_result[Result.ABSENT],
        )
        if counted != totals:
            raise GazetteTotalsError(
                self.source,
                self.totals_line,
                f"the TOTAL line counts {totals.describe()}, but the gazette "
                f"lists {counted.describe()}",
            )
        assert first.exam_class is not None
        assert first.year is not None
        assert first.result_date is not None

        return Gazette(
            source=self.source,
            exam_class=first.exam_class,
            year=first.year,
            result_date=first.result_date,
            candidates=dict(self.candidates),
            totals=totals,
        )
