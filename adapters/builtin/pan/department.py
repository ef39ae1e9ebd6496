"""The Income Tax Department, simulated from its own records.

The department runs two verification services, and an integration only ever
sees their answers, never the records behind them:

- the long-standing online verification (``verify_online``): PAN in, one
  caret-separated line out (see ``answers``). Its answers are kept as they come,
  in ``data/online_verification.txt``, one line per PAN;
- the newer verification (``verify_holder``): PAN, name, father's name and date
  of birth in; the PAN's status, ``Y``/``N`` flags saying whether name, father's
  name and date of birth match, and the seeding status out. To compute the
  flags the department needs what the caret line leaves out, so its particulars
  are kept in ``data/holder_particulars.csv``.

``holder_particulars.csv`` is an extract of the PAN master as the department
keeps it from the application forms (49A for Indian citizens, 49AA for the
rest): a header row, then one row per PAN with the columns

    pan, date_of_birth, father_last_name, father_first_name, father_middle_name

``date_of_birth`` is ``DD/MM/YYYY``; for a company, firm or family (HUF) it is
the date of incorporation or formation and the father's name is empty, as on
the forms. Every PAN the caret file holds on record (any status but ``F`` and
``N``) has exactly one row, and no row names a PAN the caret file lacks.

The department's own name check is a plain one, as the real service's is: the
name given must equal the name on the card or the full name (first, middle,
last) once case and spacing are ignored; another word order or an initial where
the card has a whole word is a mismatch.
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TypeVar

from adapters.builtin.pan.answers import (
    ANSWERED,
    HolderVerification,
    MalformedRecordError,
    OnlineVerification,
    parse_department_date,
    read_online_answers,
    valid_pan,
)
from adapters.builtin.pan.status import Flag, PanStatus

logger = logging.getLogger(__name__)

_Parsed = TypeVar("_Parsed")

DATA_DIR = Path(__file__).parent / "data"
ONLINE_ANSWERS_FILE = "online_verification.txt"
PARTICULARS_FILE = "holder_particulars.csv"
PARTICULARS_COLUMNS = (
    "pan",
    "date_of_birth",
    "father_last_name",
    "father_first_name",
    "father_middle_name",
)


class RejectedRequestError(ValueError):
    """The department refused a request as malformed (a date not ``DD/MM/YYYY``)."""


@dataclass(frozen=True)
class HolderParticulars:
    """What the department knows of a holder beyond the caret line."""

    pan: str
    date_of_birth: date
    father_last_name: str = ""
    father_first_name: str = ""
    father_middle_name: str = ""

    @property
    def father_name(self) -> str:
        """The father's first, middle and last name in reading order."""
        parts = (self.father_first_name, self.father_middle_name, self.father_last_name)
        return " ".join(part for part in parts if part)


def read_particulars(text: str) -> dict[str, HolderParticulars]:
    """Parse the particulars extract into rows by PAN, or ``MalformedRecordError``."""
    reader = csv.DictReader(io.StringIO(text), strict=True)
    if tuple(reader.fieldnames or ()) != PARTICULARS_COLUMNS:
        raise MalformedRecordError(
            f"line 1: expected the header {','.join(PARTICULARS_COLUMNS)}, "
            f"got {','.join(reader.fieldnames or ())}"
        )

    particulars: dict[str, HolderParticulars] = {}
    for row in reader:
        try:
            record = _particulars_row(row)
        except ValueError as error:
            raise MalformedRecordError(f"line {reader.line_num}: {error}") from error
        if record.pan in particulars:
            raise MalformedRecordError(
                f"line {reader.line_num}: PAN {record.pan} appears twice"
            )
        particulars[record.pan] = record

    return particulars


def _particulars_row(row: Mapping[str, str | None]) -> HolderParticulars:
    if None in row or any(value is None for value in row.values()):
        raise ValueError(f"expected {len(PARTICULARS_COLUMNS)} comma-separated fields")
    values = {name: (value or "").strip() for name, value in row.items()}
    try:
        born = parse_department_date(values["date_of_birth"])
    except ValueError:
        raise ValueError(
            f"date of birth {values['date_of_birth']!r} is not DD/MM/YYYY"
        ) from None

    return HolderParticulars(
        pan=valid_pan(values["pan"]),
        date_of_birth=born,
        father_last_name=values["father_last_name"],
        father_first_name=values["father_first_name"],
        father_middle_name=values["father_middle_name"],
    )


class IncomeTaxDepartment:
    """The department's two verification services over its records.

    Build it with ``load`` from a data folder, or directly from parsed records.
    Both services are read-only, so one instance may serve every request.
    """

    def __init__(
        self,
        answers: Mapping[str, OnlineVerification],
        particulars: Mapping[str, HolderParticulars],
    ) -> None:
        on_record = {
            pan for pan, answer in answers.items() if answer.status.is_on_record
        }
        unknown = sorted(set(particulars) - on_record)
        if unknown:
            raise MalformedRecordError(
                f"{PARTICULARS_FILE} has particulars of PANs the department does "
                f"not hold: {', '.join(unknown)}"
            )
        missing = sorted(on_record - set(particulars))
        if missing:
            raise MalformedRecordError(
                f"{PARTICULARS_FILE} lacks the particulars of {', '.join(missing)}"
            )
        self._answers = dict(answers)
        self._particulars = dict(particulars)

    @classmethod
    def load(cls, data_dir: Path = DATA_DIR) -> IncomeTaxDepartment:
        """Read the department's records from ``data_dir`` (see the module doc)."""
        answers = _read(data_dir / ONLINE_ANSWERS_FILE, read_online_answers)
        particulars = _read(data_dir / PARTICULARS_FILE, read_particulars)
        logger.debug("Loaded %d PAN records from %s", len(answers), data_dir)

        return cls(answers, particulars)

    def verify_online(self, pan: str) -> OnlineVerification:
        """The caret-line verification's answer for ``pan`` (``N`` if unknown)."""
        asked = pan.strip().upper()
        answer = self._answers.get(asked)
        if answer is None:
            return OnlineVerification(
                return_code=ANSWERED, pan=asked, status=PanStatus.NOT_FOUND
            )

        return answer

    def verify_holder(
        self, *, pan: str, name: str, dob: str, fathername: str = ""
    ) -> HolderVerification:
        """The newer verification's answer: does the holder of ``pan`` match?

        ``dob`` is ``DD/MM/YYYY``, as the service takes it; anything else is
        ``RejectedRequestError``. The flags are ``N`` for a PAN not on record.
        """
        try:
            born = parse_department_date(dob.strip())
        except ValueError:
            raise RejectedRequestError(f"dob {dob!r} is not DD/MM/YYYY") from None
        answer = self.verify_online(pan)
        particulars = self._particulars.get(answer.pan)
        if particulars is None or not answer.status.is_on_record:
            return HolderVerification(
                pan=answer.pan,
                pan_status=answer.status,
                name=Flag.NO,
                fathername=Flag.NO if fathername else None,
                dob=Flag.NO,
                seeding_status=None,
            )

        return HolderVerification(
            pan=answer.pan,
            pan_status=answer.status,
            name=Flag.of(_same_name(name, answer.name_on_card, answer.full_name)),
            fathername=(
                Flag.of(_same_name(fathername, particulars.father_name))
                if fathername
                else None
            ),
            dob=Flag.of(born == particulars.date_of_birth),
            seeding_status=answer.seeding_status,
        )


def _read(path: Path, parse: Callable[[str], _Parsed]) -> _Parsed:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise MalformedRecordError(f"cannot read {path}: {error.strerror}") from error
    try:
        return parse(text)
    except MalformedRecordError as error:
        raise MalformedRecordError(f"{path.name}, {error}") from error


def _same_name(given: str, *on_record: str) -> bool:
    wanted = _squashed(given)
    return bool(wanted) and any(wanted == _squashed(name) for name in on_record)


def _squashed(name: str) -> str:
    return " ".join(name.upper().split())
