"""Dates as the transport systems write them, and as residents type them.

Sarathi hands out dates in four forms, sometimes mixed within one record: ISO
(``2016-09-14``), ``14-09-2016``, ``14/09/2016`` and ``14-Sep-2016``. Vahan
always writes ``14-Sep-2016``. A resident types a date of birth as
``DD-MM-YYYY``, ``DD/MM/YYYY`` or ``YYYY-MM-DD``.
"""

from __future__ import annotations

import re
from datetime import date

_MONTHS = {
    "JAN": 1,
    "FEB": 2,
    "MAR": 3,
    "APR": 4,
    "MAY": 5,
    "JUN": 6,
    "JUL": 7,
    "AUG": 8,
    "SEP": 9,
    "OCT": 10,
    "NOV": 11,
    "DEC": 12,
}

_ISO = re.compile(r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})")
_DAY_FIRST = re.compile(
    r"(?P<day>\d{2})(?P<sep>[-/])(?P<month>\d{2})(?P=sep)(?P<year>\d{4})"
)
_MONTH_NAME = re.compile(r"(?P<day>\d{1,2})-(?P<month>[A-Za-z]{3})-(?P<year>\d{4})")
_MONTH_YEAR = re.compile(r"(?P<month>\d{1,2})/(?P<year>\d{4})")

RECORD_DATE_FORMS = "YYYY-MM-DD, DD-MM-YYYY, DD/MM/YYYY or DD-Mon-YYYY"
TYPED_DATE_FORMS = "DD-MM-YYYY, DD/MM/YYYY or YYYY-MM-DD"


def _calendar_date(year: str, month: int, day: str, original: str) -> date:
    try:
        return date(int(year), month, int(day))
    except ValueError as error:
        raise ValueError(f"{original!r} is not a date on the calendar") from error


def parse_record_date(value: str) -> date:
    """A date from a Sarathi or Vahan record, in any of the four forms they use.

    Raises ``ValueError`` naming the accepted forms when ``value`` has none of
    them, or names a day that does not exist (``31-02-1990``).
    """
    text = value.strip()

    if match := _ISO.fullmatch(text) or _DAY_FIRST.fullmatch(text):
        return _calendar_date(match["year"], int(match["month"]), match["day"], value)
    if match := _MONTH_NAME.fullmatch(text):
        month = _MONTHS.get(match["month"].upper())
        if month is not None:
            return _calendar_date(match["year"], month, match["day"], value)

    raise ValueError(f"{value!r} is not a date of the form {RECORD_DATE_FORMS}")


def parse_month_year(value: str) -> tuple[int, int]:
    """Vahan's month of manufacture, ``MM/YYYY``, as ``(year, month)``."""
    match = _MONTH_YEAR.fullmatch(value.strip())
    if match is None or not 1 <= int(match["month"]) <= 12:
        raise ValueError(f"{value!r} is not a month of the form MM/YYYY")

    return int(match["year"]), int(match["month"])
