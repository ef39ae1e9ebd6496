"""The board's list of candidates: registration data the gazette does not carry.

Schools register each candidate with the board before the examination; the
list gives the roll number the board assigned, the name, the parents' names and
the date of birth. It is the only place a date of birth appears, so the locker's
holder matching rests on it. One CSV file per year, with this header::

    year,class,roll_number,school_code,name,mother_name,father_name,date_of_birth

``class`` is ``X`` or ``XII``; dates are ``DD/MM/YYYY`` as the board writes them.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from adapters.builtin.cbse.subjects import ExamClass

COLUMNS = (
    "year",
    "class",
    "roll_number",
    "school_code",
    "name",
    "mother_name",
    "father_name",
    "date_of_birth",
)


class CandidateListError(ValueError):
    """A candidates list is malformed; says which file and row."""


@dataclass(frozen=True)
class Registration:
    """One registered candidate."""

    year: int
    exam_class: ExamClass
    roll_number: str
    school_code: str
    name: str
    mother_name: str
    father_name: str
    date_of_birth: date


def load_candidates(path: Path) -> list[Registration]:
    """Read one candidates CSV; ``CandidateListError`` naming the row when wrong."""
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise CandidateListError(
                f"{path.name}: the header should be {','.join(COLUMNS)}"
            )
        registrations = []
        for row in reader:
            try:
                registrations.append(_registration(row))
            except (KeyError, ValueError) as error:
                raise CandidateListError(
                    f"{path.name}, line {reader.line_num}: {error}"
                ) from None

    return registrations


def _registration(row: dict[str, str]) -> Registration:
    values = {column: (row[column] or "").strip() for column in COLUMNS}
    if re.fullmatch(r"[0-9]{4}", values["year"]) is None:
        raise ValueError(f"year {values['year']!r} is not four digits")
    if re.fullmatch(r"[0-9]{8}", values["roll_number"]) is None:
        raise ValueError(f"roll number {values['roll_number']!r} is not 8 digits")
    if re.fullmatch(r"[0-9]{5}", values["school_code"]) is None:
        raise ValueError(f"school code {values['school_code']!r} is not 5 digits")
    for column in ("name", "mother_name", "father_name"):
        if not values[column]:
            raise ValueError(f"{column} is empty")
    try:
        born = datetime.strptime(values["date_of_birth"], "%d/%m/%Y").date()
    except ValueError:
        raise ValueError(
            f"date of birth {values['date_of_birth']!r} is not DD/MM/YYYY"
        ) from None

    return Registration(
        year=int(values["year"]),
        exam_class=ExamClass(values["class"]),
        roll_number=values["roll_number"],
        school_code=values["school_code"],
        name=" ".join(values["name"].split()),
        mother_name=" ".join(values["mother_name"].split()),
        father_name=" ".join(values["father_name"].split()),
        date_of_birth=born,
    )
