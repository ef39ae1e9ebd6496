"""The Central Board of Secondary Education as an issuer: Class X and XII marksheets.

The board's data is its result gazettes (``gazette-*.txt``, one per examination
and year, in the board's own text format) and its lists of registered
candidates (``candidates-*.csv``, one per year). Both are read once, when the
adapter is built, and checked against each other.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from pathlib import Path

from adapters.builtin.cbse.candidates import Registration, load_candidates
from adapters.builtin.cbse.gazette import parse_gazette
from adapters.builtin.cbse.marksheet import build_marksheet
from adapters.builtin.cbse.records import CandidateResult, Gazette, Result
from adapters.builtin.cbse.subjects import ExamClass, subject_name
from adapters.sdk import (
    Address,
    DocTypeSpec,
    DocumentUri,
    FindResult,
    Holder,
    Identity,
    IssuerAdapter,
    LookupField,
    Organization,
    OrganizationType,
    RecordNotFound,
    StandardDocument,
    make_uri,
)

logger = logging.getLogger(__name__)

DATA_DIR = Path(__file__).parent / "data"

_ROLL_NUMBER = LookupField(
    name="rollNumber",
    label="Roll number",
    example="16612345",
    pattern="[0-9]{8}",
    description="The 8-digit roll number on the admit card.",
)
_YEAR = LookupField(
    name="year",
    label="Year of passing",
    example="2024",
    pattern="[0-9]{4}",
    description="The year of the examination, as on the admit card.",
)
_CLASSES = {"SSCER": ExamClass.X, "HSCER": ExamClass.XII}
_DOC_ID = re.compile(r"(?P<year>[0-9]{4})(?P<roll>[0-9]{8})")


class CbseDataError(ValueError):
    """The board's gazettes and candidates lists do not agree with each other."""


class CbseAdapter(IssuerAdapter):
    """Class X and Class XII marksheets from the board's gazettes.

    ``find`` takes ``rollNumber`` and ``year`` and answers the holder from the
    candidates list (name, date of birth) and the gazette (gender). A candidate
    who was absent has no marksheet. ``data_dir`` points tests at other data;
    the locker builds the adapter without arguments.
    """

    issuer_id = "in.gov.cbse"
    name = "Central Board of Secondary Education"
    organization = Organization(
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
            country="IN",
            type="office",
        ),
    )
    doc_types = (
        DocTypeSpec(
            code="SSCER",
            name="Class X Marksheet",
            description="Statement of marks of the Secondary School Examination.",
            lookup_fields=(_ROLL_NUMBER, _YEAR),
        ),
        DocTypeSpec(
            code="HSCER",
            name="Class XII Marksheet",
            description=(
                "Statement of marks of the Senior School Certificate Examination."
            ),
            lookup_fields=(_ROLL_NUMBER, _YEAR),
        ),
    )

    def __init__(self, *, data_dir: Path | None = None) -> None:
        folder = data_dir or DATA_DIR
        self._gazettes = _load_gazettes(folder)
        self._registrations = _load_registrations(folder)
        for gazette in self._gazettes.values():
            self._check_against_registrations(gazette)

        logger.info(
            "CBSE adapter loaded %d gazettes and %d registered candidates",
            len(self._gazettes),
            len(self._registrations),
        )

    def _check_against_registrations(self, gazette: Gazette) -> None:
        """Every gazette candidate must be registered, by the same name and school."""
        for candidate in gazette.candidates.values():
            key = (gazette.exam_class, gazette.year, candidate.roll_number)
            registration = self._registrations.get(key)
            if registration is None:
                raise CbseDataError(
                    f"{gazette.source}, line {candidate.line}: roll number "
                    f"{candidate.roll_number} is not in the candidates list for "
                    f"{gazette.year}"
                )
            if (registration.name, registration.school_code) != (
                candidate.name,
                candidate.school.code,
            ):
                raise CbseDataError(
                    f"{gazette.source}, line {candidate.line}: roll number "
                    f"{candidate.roll_number} is registered under another name "
                    "or school"
                )
            for subject in candidate.subjects + candidate.internal_grades:
                try:
                    subject_name(gazette.exam_class, subject.code)
                except KeyError as error:
                    raise CbseDataError(
                        f"{gazette.source}, line {candidate.line}: {error.args[0]}"
                    ) from None

    async def find(
        self, doc_type: str, lookup: Mapping[str, str], identity: Identity
    ) -> FindResult:
        """The marksheet's URI and its holder, by roll number and year."""
        exam_class = _CLASSES[doc_type]
        year, roll_number = int(lookup["year"]), lookup["rollNumber"]
        _, candidate, registration = self._candidate(exam_class, year, roll_number)

        return FindResult(
            uri=make_uri(self.issuer_id, doc_type, f"{year:04d}{roll_number}"),
            holder=Holder(
                name=registration.name,
                dob=registration.date_of_birth,
                gender=candidate.gender,
            ),
        )

    async def fetch(self, uri: str) -> StandardDocument:
        """The marksheet ``in.gov.cbse-HSCER-<year><roll>`` as a standard document."""
        parsed = DocumentUri.parse(uri)
        match = _DOC_ID.fullmatch(parsed.doc_id)
        exam_class = _CLASSES.get(parsed.doc_type)
        if match is None or exam_class is None or parsed.issuer_id != self.issuer_id:
            raise RecordNotFound(f"{self.name} has no document {uri}.")
        gazette, candidate, registration = self._candidate(
            exam_class, int(match["year"]), match["roll"]
        )

        return build_marksheet(
            uri=uri,
            doc_type=parsed.doc_type,
            issued_by=self.organization,
            gazette=gazette,
            candidate=candidate,
            registration=registration,
        )

    def _candidate(
        self, exam_class: ExamClass, year: int, roll_number: str
    ) -> tuple[Gazette, CandidateResult, Registration]:
        """The gazette entry and registration; ``RecordNotFound`` saying why not."""
        gazette = self._gazettes.get((exam_class, year))
        if gazette is None:
            raise RecordNotFound(
                f"The board has published no Class {exam_class} results for {year} "
                "here. Check the year of your examination."
            )
        candidate = gazette.candidates.get(roll_number)
        if candidate is None:
            raise RecordNotFound(
                f"There is no Class {exam_class} {year} result for roll number "
                f"{roll_number}. Check the roll number on your admit card."
            )
        if candidate.result is Result.ABSENT:
            raise RecordNotFound(
                f"The candidate with roll number {roll_number} was absent from the "
                f"Class {exam_class} {year} examination, so no marksheet was issued."
            )

        return gazette, candidate, self._registrations[(exam_class, year, roll_number)]


def _load_gazettes(folder: Path) -> dict[tuple[ExamClass, int], Gazette]:
    """Every ``gazette-*.txt`` in ``folder``, by examination class and year."""
    gazettes: dict[tuple[ExamClass, int], Gazette] = {}
    for path in sorted(folder.glob("gazette-*.txt")):
        gazette = parse_gazette(path.read_bytes(), source=path.name)
        key = (gazette.exam_class, gazette.year)
        if key in gazettes:
            raise CbseDataError(
                f"{path.name} and {gazettes[key].source} are both the "
                f"Class {gazette.exam_class} {gazette.year} gazette"
            )
        gazettes[key] = gazette

    return gazettes


def _load_registrations(
    folder: Path,
) -> dict[tuple[ExamClass, int, str], Registration]:
    """Every ``candidates-*.csv`` in ``folder``, by class, year and roll number."""
    registrations: dict[tuple[ExamClass, int, str], Registration] = {}
    for path in sorted(folder.glob("candidates-*.csv")):
        for registration in load_candidates(path):
            key = (
                registration.exam_class,
                registration.year,
                registration.roll_number,
            )
            if key in registrations:
                raise CbseDataError(
                    f"{path.name}: roll number {registration.roll_number} is "
                    f"registered twice for Class {registration.exam_class} "
                    f"{registration.year}"
                )
            registrations[key] = registration

    return registrations
