"""The department's answers, typed, and the parser for the caret-separated one.

The long-standing online verification answers one line per PAN, ten fields
separated by ``^``::

    return code ^ PAN ^ status ^ last name ^ first name ^ middle name ^ title
        ^ last-update date (DD/MM/YYYY) ^ name on card ^ Aadhaar seeding status

for example ``1^BKRPM4817L^E^MEHTA^ROHAN^^Shri^14/08/2016^ROHAN MEHTA^Y``. A
return code of ``1`` means the department answered; a PAN it does not know is
still answered, with status ``N`` and the other fields empty. Non-individuals
carry their whole name in the last-name field.

The newer verification is a JSON service: it takes PAN, name, father's name
and date of birth and answers, per PAN, ``pan_status``, ``Y``/``N`` flags for
``name``, ``fathername`` and ``dob``, and ``seeding_status``.
``HolderVerification`` is that answer, field for field.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from stdnum.exceptions import ValidationError
from stdnum.in_ import pan as pan_number

from adapters.builtin.pan.status import Flag, PanStatus, SeedingStatus

ANSWERED = "1"
FIELD_NAMES = (
    "return code",
    "PAN",
    "status",
    "last name",
    "first name",
    "middle name",
    "title",
    "last-update date",
    "name on card",
    "Aadhaar seeding status",
)
DEPARTMENT_DATE = "%d/%m/%Y"


class MalformedRecordError(ValueError):
    """A line of the department's data that does not have the documented shape."""


@dataclass(frozen=True)
class OnlineVerification:
    """One answer of the long-standing online verification: a caret line, parsed.

    ``last_updated`` and ``seeding_status`` are ``None`` where the department
    leaves the field empty (a fake or unknown PAN).
    """

    return_code: str
    pan: str
    status: PanStatus
    last_name: str = ""
    first_name: str = ""
    middle_name: str = ""
    title: str = ""
    last_updated: date | None = None
    name_on_card: str = ""
    seeding_status: SeedingStatus | None = None

    @property
    def full_name(self) -> str:
        """First, middle and last name in reading order."""
        parts = (self.first_name, self.middle_name, self.last_name)
        return " ".join(part for part in parts if part)


@dataclass(frozen=True)
class HolderVerification:
    """One answer of the newer verification, named as the department names it.

    ``fathername`` is ``None`` when the request gave no father's name, and
    ``seeding_status`` when the department holds no such PAN.
    """

    pan: str
    pan_status: PanStatus
    name: Flag
    fathername: Flag | None
    dob: Flag
    seeding_status: SeedingStatus | None


def parse_department_date(value: str) -> date:
    """A ``DD/MM/YYYY`` date; ``ValueError`` when it is not one."""
    return datetime.strptime(value, DEPARTMENT_DATE).date()


def valid_pan(value: str) -> str:
    """``value`` when it is a well-formed PAN; ``ValueError`` saying why not."""
    try:
        return str(pan_number.validate(value))
    except ValidationError as error:
        raise ValueError(f"{value!r} is not a valid PAN ({error})") from error


def read_online_answers(text: str) -> dict[str, OnlineVerification]:
    """Parse a text of caret lines into answers by PAN; blank lines are skipped.

    Raises ``MalformedRecordError`` naming the line for a wrong number of fields, a
    return code other than ``1``, an invalid PAN, an unknown status letter or
    seeding code, a date that is not ``DD/MM/YYYY``, a PAN on record without a
    name, or a PAN answered twice.
    """
    reader = csv.reader(
        io.StringIO(text), delimiter="^", quoting=csv.QUOTE_NONE, strict=True
    )
    answers: dict[str, OnlineVerification] = {}
    for row in reader:
        if not any(field.strip() for field in row):
            continue
        try:
            answer = parse_online_fields(row)
        except ValueError as error:
            raise MalformedRecordError(f"line {reader.line_num}: {error}") from error
        if answer.pan in answers:
            raise MalformedRecordError(
                f"line {reader.line_num}: PAN {answer.pan} is answered twice"
            )
        answers[answer.pan] = answer

    return answers


def parse_online_fields(fields: Iterable[str]) -> OnlineVerification:
    """Turn the ten fields of one caret line into an answer; ``ValueError`` if bad."""
    values = [field.strip() for field in fields]
    if len(values) != len(FIELD_NAMES):
        raise ValueError(
            f"expected {len(FIELD_NAMES)} caret-separated fields "
            f"({', '.join(FIELD_NAMES)}), got {len(values)}"
        )
    return_code, pan, status, last, first, middle, title, updated, card, seeding = (
        values
    )

    if return_code != ANSWERED:
        raise ValueError(f"return code {return_code!r} is not an answer (expected 1)")
    answer = OnlineVerification(
        return_code=return_code,
        pan=valid_pan(pan),
        status=_status(status),
        last_name=last,
        first_name=first,
        middle_name=middle,
        title=title,
        last_updated=_optional_date(updated),
        name_on_card=card,
        seeding_status=_seeding(seeding),
    )
    if answer.status.is_on_record and not (answer.name_on_card or answer.last_name):
        raise ValueError(f"PAN {answer.pan} has status {answer.status} but no name")

    return answer


def _status(value: str) -> PanStatus:
    try:
        return PanStatus(value)
    except ValueError:
        known = ", ".join(status.value for status in PanStatus)
        raise ValueError(
            f"unknown status letter {value!r}; expected one of {known}"
        ) from None


def _seeding(value: str) -> SeedingStatus | None:
    if not value:
        return None
    try:
        return SeedingStatus(value)
    except ValueError:
        raise ValueError(
            f"unknown Aadhaar seeding status {value!r}; expected Y, R or NA"
        ) from None


def _optional_date(value: str) -> date | None:
    if not value:
        return None
    try:
        return parse_department_date(value)
    except ValueError:
        raise ValueError(f"last-update date {value!r} is not DD/MM/YYYY") from None
